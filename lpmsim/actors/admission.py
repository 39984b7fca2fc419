"""The HMC's migration queue: who may start now, and over which mover service partitions.

Picture the HMC holding a stack of `migrlpar -o m` requests (one per partition of a
`migrlpar --all` evacuation, say) and a board of counters: active and inactive migrations per
managed system (REST MaximumActiveMigrations / MaximumInactiveMigrations, e.g. 16; S14, S28) and
operations per MSP (vioslpm0 ``cfg_msp_lpm_ops``, default 8, 4 on a single 1 GbE adapter; S9).
The counters are SimPy Resources. A request waits in the queue until its systems have a free slot
and an MSP pair has free slots on both sides; the queue is ordered by ``priority`` (lower first),
then by arrival, then by the order the scenario lists the migrations (FIFO by default).

A waiting migration does not hold a slot: admission takes every slot it needs at once, so two
migrations never hold each other's slots, and one blocked on frame C does not block the queue
for frame A (the first request that fits goes). That is why this is one queue over plain
Resources rather than a PriorityResource per limit.

MSP choice: the pair the scenario names (``source_msp`` / ``dest_msp``), else on each side the
MSP that is up, has a free slot and carries the fewest migrations (then by name). As one MSP has
at most 8 slots, more than 8 concurrent migrations need two or more VIOS pairs (S13).
With ``redundant_msps`` 1 (required) or 2 (if available) a migration takes two pairs (S26).

``concurrency_lvl`` (S10) sets, per the scenario's :class:`~lpmsim.scenario.faults.ConcurrencyLevels`
table, an MSP's slots (min of cfg_msp_lpm_ops and max_ops), and for each pair (a :class:`Lane`)
the mover threads, each a TCP stream (or the HMC sizes them:
:func:`lpmsim.inventory.mover_cpu.threads`). One migration may draw threads x the slower side's
thread rate, and threads x window / RTT (:func:`lpmsim.network.tcp_cap`); the MSPs' processors,
shared by all their migrations, bound the rest on the ``msp:<vios>`` pseudo-links.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import simpy

from lpmsim.actors.causes import Aborted, Failure
from lpmsim.actors.migration import Migration
from lpmsim.actors.vasi import Entity
from lpmsim.inventory.mover_cpu import threads
from lpmsim.inventory.networks import connected
from lpmsim.kinds import FailureKind
from lpmsim.network import tcp_cap

if TYPE_CHECKING:
    from lpmsim.actors.msp import Msp


@dataclass
class Lane:
    """One MSP pair of a migration and the path its streams take."""

    src: Msp
    dst: Msp
    path: tuple[str, ...]
    cap: float         # bytes/s one migration may draw over this pair
    streams: int       # TCP streams (mover threads)
    up: bool = True
    #: capacity per byte/s sent on links other than 1: the NX units (compression ratio)
    scale: dict[str, float] | None = None

    @property
    def name(self) -> str:
        return f"{self.src.vios.name}>{self.dst.vios.name}"


class Admission:
    def __init__(self, env: simpy.Environment, scenario, msps: dict, network):
        self.env = env
        self.msps = msps
        self.network = network
        self.mover = scenario.mover
        self.hmc_version = scenario.hmc.version
        self.active = {s.name: simpy.Resource(env, s.max_active_migrations) for s in scenario.systems}
        self.inactive = {s.name: simpy.Resource(env, s.max_inactive_migrations)
                         for s in scenario.systems}
        self.by_system: dict[str, list] = {}
        for m in msps.values():
            self.by_system.setdefault(m.vios.system, []).append(m)
        self.waiting: list[tuple[tuple, Migration, simpy.Event]] = []
        self.held: dict[str, list] = {}

    # -- the queue -----------------------------------------------------------------------------
    def request(self, mig: Migration) -> simpy.Event:
        """An event that succeeds with the migration's lanes once it holds every slot it needs."""
        granted = self.env.event()
        self.waiting.append(((mig.plan.spec.priority, self.env.now, mig.plan.index), mig, granted))
        self.waiting.sort(key=lambda item: item[0])
        self.dispatch()
        return granted

    def release(self, mig: Migration) -> None:
        """Give back the slots (or leave the queue); the next requests that fit are admitted."""
        self.waiting = [w for w in self.waiting if w[1] is not mig]
        held = self.held.pop(mig.id, None)
        if held:
            for res, req in held:
                res.release(req)
            mig.released = self.env.now
            self.dispatch()

    def dispatch(self) -> None:
        """Admit, in queue order, every waiting migration that fits now."""
        for item in list(self.waiting):
            _, mig, granted = item
            if (dead := self._no_msp_up(mig)) is not None:
                self.waiting.remove(item)
                granted.fail(Aborted(dead))
                continue
            lanes = self._fit(mig)
            if lanes is None:
                continue
            self.waiting.remove(item)
            table = self.active if mig.plan.mode == "active" else self.inactive
            resources = [table[mig.plan.source], table[mig.plan.destination]]
            for lane in lanes:
                resources += [lane.src.slots, lane.dst.slots]
            self.held[mig.id] = [(res, res.request()) for res in resources]
            granted.succeed(lanes)

    # -- choosing MSPs -------------------------------------------------------------------------
    def impossible(self, mig: Migration) -> list[str]:
        """Why the queue could never admit ``mig`` (checked at validation, step 3)."""
        if mig.plan.mode != "active":
            return []
        problems = []
        for side, system, named in (("source", mig.plan.source, mig.plan.spec.source_msp),
                                    ("destination", mig.plan.destination, mig.plan.spec.dest_msp)):
            have = len(self.by_system.get(system, [])) if named is None else 1
            pool = [self.msps[named]] if named in self.msps else self.by_system.get(system, [])
            if pool and not any(m.up for m in pool):
                problems.append(f"no mover service partition of the {side} system {system} is "
                                "available")
            if mig.plan.spec.redundant_msps == 1 and have < 2:
                problems.append(f"redundant MSPs required (--redundantmsps 1) but the {side} "
                                f"system {system} has {have} mover service partition(s) to use")
        return problems

    def _no_msp_up(self, mig: Migration) -> Failure | None:
        """Every MSP ``mig`` could use on one side is down: it can never start (the HMC
        fails it rather than queue it forever)."""
        if mig.plan.mode != "active":
            return None
        for entity, system, named in ((Entity.VSP_SOURCE, mig.plan.source, mig.plan.spec.source_msp),
                                      (Entity.VSP_TARGET, mig.plan.destination, mig.plan.spec.dest_msp)):
            pool = [self.msps[named]] if named else self.by_system.get(system, [])
            if pool and not any(m.up for m in pool):
                return Failure(entity, FailureKind.MSP, f"no mover service partition of {system} is up")
        return None

    def _fit(self, mig: Migration) -> list[Lane] | None:
        table = self.active if mig.plan.mode == "active" else self.inactive
        if any(table[s].count >= table[s].capacity for s in (mig.plan.source, mig.plan.destination)):
            return None
        if mig.plan.mode != "active":
            return []
        spec = mig.plan.spec
        src = self._free(mig.plan.source, spec.source_msp)
        dst = self._free(mig.plan.destination, spec.dest_msp)
        need = 2 if spec.redundant_msps == 1 else 1
        want = 2 if spec.redundant_msps else 1
        chosen: list = []
        by_vios = {m.vios.name: m for m in (*src, *dst)}
        for s, d, path in connected([m.vios for m in src], [m.vios for m in dst],
                                    spec.source_msp_ipaddr, spec.dest_msp_ipaddr):
            if len(chosen) < want and all(s.name != a and d.name != b for a, b, _ in chosen):
                chosen.append((s.name, d.name, path))  # disjoint pairs over common networks
        if len(chosen) < need:
            return None
        memory = mig.plan.partition.memory
        lanes = [self.lane(by_vios[a], by_vios[b], path, memory) for a, b, path in chosen]
        if mig.plan.nx_links:  # the systems' NX units, shared with their other migrations
            nx, ratio = mig.plan.nx_links, mig.plan.compression
            lanes = [Lane(x.src, x.dst, (nx[0], *x.path, *nx[1:]), x.cap, x.streams,
                          scale={name: ratio for name in nx}) for x in lanes]
        return lanes

    def _pool(self, system: str, named: str | None) -> list:
        return [self.msps[named]] if named in self.msps else self.by_system.get(system, [])

    def _free(self, system: str, named: str | None) -> list:
        pool = self._pool(system, named)
        free = [m for m in pool if m.up and m.slots.count < m.slots.capacity]
        return sorted(free, key=lambda m: (m.slots.count, m.vios.name))

    def lane(self, src, dst, route: tuple[str, ...], memory: float) -> Lane:
        from lpmsim.actors.msp import directed

        path = (src.cpu_link, *directed(route, src.vios, dst.vios), dst.cpu_link)
        streams = threads(src.vios, dst.vios, memory, self.mover.levels.threads, self.hmc_version)
        cap = streams * min(src.thread_rate, dst.thread_rate,
                            tcp_cap(self.mover.tcp_window, self.network.rtt(path)))
        return Lane(src, dst, path, cap, streams)


#: Line rate at or below which an MSP adapter is "1 Gb" (bytes/s).
ONE_GIGABIT = 1e9 / 8


def msp_slots(vios, levels, adapter_rate: float | None = None) -> int:
    """An MSP's concurrent operations: cfg_msp_lpm_ops, bounded by its concurrency level, and
    by 4 when its only LPM adapter is a single 1 Gb port (IBM: "if the VIOS has a single 1 Gb
    adapter, set cfg_msp_lpm_ops to 4", S9; at most 4 concurrent migrations on 1 Gb, S13).
    ``adapter_rate``: the fastest of its interfaces' first links (line rate x aggregation)."""
    slots = min(vios.cfg_msp_lpm_ops, levels.max_ops[vios.concurrency_lvl - 1])
    if adapter_rate is not None and adapter_rate <= ONE_GIGABIT * (1 + 1e-9):
        slots = min(slots, 4)
    return slots


__all__ = ["Admission", "Lane", "msp_slots"]
