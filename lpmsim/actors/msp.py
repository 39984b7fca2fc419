"""A mover service partition (MSP): the VIOS service that moves a partition's memory.

Its processors are a pseudo-link ``msp:<vios>`` (capacity
:func:`lpmsim.inventory.mover_cpu.msp_capacity`) on every path through it, so the threads of
concurrent migrations share them max-min fairly, and an MSP failure is that link going down:
the network's link state is the one source of truth for whether an MSP is up. The data path of
one migration is :class:`lpmsim.actors.mover.Mover`.
"""

from __future__ import annotations

import math

import simpy

from lpmsim.actors.admission import msp_slots
from lpmsim.actors.records import Recorder
from lpmsim.inventory import Vios
from lpmsim.network import Network


class Msp:
    """The mover service of one VIOS, with its slots (cfg_msp_lpm_ops, S9, bounded by
    concurrency_lvl, S10; see :mod:`lpmsim.actors.admission`)."""

    def __init__(self, env: simpy.Environment, vios: Vios, network: Network, recorder: Recorder,
                 levels=None, adapter_rate: float | None = None, thread_rate: float = math.inf):
        self.env = env
        #: bytes/s one of its mover threads moves (lpmsim.inventory.mover_cpu.thread_rate)
        self.thread_rate = thread_rate
        self.vios = vios
        self.network = network
        self.recorder = recorder
        self.scope = f"{vios.system}.{vios.name}.msp"
        self.cpu_link = cpu_link(vios)
        ops = vios.cfg_msp_lpm_ops if levels is None else msp_slots(vios, levels, adapter_rate)
        self.slots = simpy.Resource(env, capacity=ops)

    @property
    def up(self) -> bool:
        """True unless its ``msp:<vios>`` pseudo-link is down (an MSP failure)."""
        return self.network.is_up(self.cpu_link)


def cpu_link(vios: Vios) -> str:
    """The name of the pseudo-link that stands for ``vios``'s mover CPU and threads."""
    return f"msp:{vios.name}"


#: The suffix of a link's reverse direction (full duplex: each direction its own capacity).
REVERSE = "~r"


def reverse(link: str) -> str:
    """The name of ``link``'s other direction."""
    return link[:-len(REVERSE)] if link.endswith(REVERSE) else link + REVERSE


def directed(path: tuple[str, ...], src: Vios, dst: Vios) -> tuple[str, ...]:
    """``path`` (:func:`lpmsim.inventory.networks.msp_path`) with each link in the direction of
    the stream: forward from the system whose name sorts first, reverse the other way (so two
    migrations in opposite directions never share a direction; an assumption for links shared
    by more than two systems)."""
    return path if src.system <= dst.system else tuple(reverse(name) for name in path)


__all__ = ["REVERSE", "Msp", "cpu_link", "directed", "reverse"]
