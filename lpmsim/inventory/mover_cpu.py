"""The MSP's share of the data path: mover threads on the VIOS's processors (issue 13).

IBM, PowerVM 3.1.2 (P. Heyrman, "LPM Improvements in PowerVM 3.1.2", 2021; S19): PHYP picks the
memory, compresses and encrypts it on the NX units and copies it into MSP buffers; the MSP sends
it over the network; the destination reverses it, and "the majority of the work ... is done
under threads (tasks) running in the MSPs". From VIOS 2.2.4.0 ``concurrency_lvl`` sets a
migration's thread count (S10). So here:

- one mover thread runs on one processor at a time: it moves at most
  ``bytes_per_cycle`` x the clock (``thread_rate``), and one TCP window per round trip;
- a migration's threads over one MSP pair move at most their count times that;
- all threads of all migrations through one MSP share what its processors can do: the VIOS's
  ``entitlement`` x ``thread_rate`` (``msp_capacity``), max-min fairly on its ``msp:<vios>``
  pseudo-link, unless ``msp_throughput`` states the MSP's figure outright (a calibration).

The rates are assumptions (defaults in :class:`lpmsim.scenario.faults.Mover`,
:class:`lpmsim.inventory.models.Vios` and :class:`~lpmsim.inventory.models.ManagedSystem`);
docs/sensitivity.md shows how much each one moves an evacuation.
"""

from __future__ import annotations

import math
import re

from lpmsim.inventory.models import ManagedSystem, Vios

#: From VIOS 3.1.2.0 with HMC V9R2M950, concurrency_lvl left at its default 4 lets the HMC size a
#: migration's resources per partition (S10).
AUTO_VIOS = (3, 1, 2)
AUTO_HMC = (9, 2, 950)
AUTO_LEVEL = 4
#: How the HMC sizes threads then: IBM does not publish the rule. Assumption: by the partition's
#: memory, the thread count of the level shown (largest partitions: level 1's).
AUTO_THREADS = ((64 * 2**30, 4), (256 * 2**30, 3), (2**40, 2), (math.inf, 1))


def thread_rate(system: ManagedSystem, bytes_per_cycle: float) -> float:
    """Bytes/s one mover thread moves on one of ``system``'s processors."""
    return bytes_per_cycle * system.processor_ghz * 1e9


def msp_capacity(vios: Vios, system: ManagedSystem, bytes_per_cycle: float) -> float:
    """Bytes/s the MSP of ``vios`` moves in all, over every migration through it."""
    if vios.msp_throughput is not None:
        return vios.msp_throughput
    return vios.entitlement * thread_rate(system, bytes_per_cycle)


def version(text: str) -> tuple[int, ...]:
    """"3.1.2.10" -> (3, 1, 2, 10); "V9R2M950" -> (9, 2, 950); no digits -> ()."""
    return tuple(int(n) for n in re.findall(r"\d+", text))


def hmc_sizes_threads(src: Vios, dst: Vios, hmc_version: str) -> bool:
    """True when the HMC sizes the threads itself (both VIOS >= 3.1.2, HMC >= V9R2M950, both
    at concurrency_lvl 4)."""
    hmc = version(hmc_version)
    return (bool(hmc) and hmc >= AUTO_HMC
            and all(version(v.version) >= AUTO_VIOS and v.concurrency_lvl == AUTO_LEVEL
                    for v in (src, dst)))


def threads(src: Vios, dst: Vios, memory: float, per_level: tuple[int, ...],
            hmc_version: str = "") -> int:
    """Mover threads of one migration of ``memory`` bytes over the pair ``src`` -> ``dst``:
    the level table's (the smaller side's), or the HMC's own sizing where it applies."""
    if hmc_sizes_threads(src, dst, hmc_version):
        level = next(lvl for limit, lvl in AUTO_THREADS if memory <= limit)
        return per_level[level - 1]
    return min(per_level[src.concurrency_lvl - 1], per_level[dst.concurrency_lvl - 1])


__all__ = ["AUTO_THREADS", "hmc_sizes_threads", "msp_capacity", "thread_rate", "threads",
           "version"]
