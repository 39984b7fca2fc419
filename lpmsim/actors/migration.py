"""One migration, split by who writes what (one writer per fact).

- :class:`Plan` (frozen): what the scenario asked for: id, spec, partition, systems, policy.
- :class:`Tally`: what the mover measured (bytes by stage, passes, syncs, demand paging); only
  the mover (:mod:`lpmsim.actors.mover`) writes it.
- :class:`Verdict`: the outcome and the HMC's times (queued, admitted, end); only the HMC
  (:mod:`lpmsim.actors.hmc`) writes it.
- The page session belongs to the source hypervisor, the lanes to the admission grant, the
  VASI stream to the HMC and the hypervisors that set its states.

:class:`Migration` only binds them for the actors that cooperate on one migration. Results read
the frozen :class:`MigrationRecord` that :func:`record` makes at the end, never the live
objects.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import simpy

from lpmsim.actors.vasi import State, VasiStream
from lpmsim.inventory import Partition
from lpmsim.kinds import Mode, Outcome, Stage
from lpmsim.scenario import MigrationSpec

if TYPE_CHECKING:
    from lpmsim.actors.admission import Lane
    from lpmsim.actors.hypervisor import PageSession
    from lpmsim.policy.base import Policy


@dataclass(frozen=True)
class Plan:
    id: str
    spec: MigrationSpec
    partition: Partition
    source: str
    destination: str
    policy: Policy
    index: int = 0  # place in the scenario's list: the FIFO tie-break
    src_msp: str | None = None  # the first MSP of each side (for preflight)
    dst_msp: str | None = None
    path: tuple[str, ...] = ()
    #: raw / wire size of the pages (NX compression, lpmsim.inventory.nx), and the NX
    #: pseudo-links the stream crosses (each used at ``compression`` raw bytes per byte sent)
    compression: float = 1.0
    nx_links: tuple[str, ...] = ()

    @property
    def mode(self) -> Mode:
        return Mode(self.spec.mode)

    @property
    def page_wire_bytes(self) -> int:
        return self.partition.page_size + self.policy.page_header


@dataclass
class Tally:
    """The mover's measurements (QEMU's own counters where the policy is qemu)."""

    bytes: dict[Stage, float] = field(default_factory=lambda: {s: 0.0 for s in Stage})
    passes: int = 0          # pre-copy passes (QEMU: periods between dirty-bitmap syncs)
    syncs: int = 0           # dirty-bitmap syncs (QEMU dirty-sync-count)
    normal_pages: float = 0.0
    zero_pages: float = 0.0
    setup_s: float = 0.0
    stop_reason: str = ""
    demand_requests: float = 0.0
    demand_pages: float = 0.0
    demand_bytes: float = 0.0
    fault_wait_s: float = 0.0
    stall_s: float = 0.0     # guest seconds lost to missing pages and to syncs that hold it
    postcopy_stall_s: float = 0.0
    state_bytes: float = 0.0  # partition state sent while suspended (Mover.partition_state)
    failovers: int = 0
    resent_bytes: float = 0.0
    steady: str = ""         # why pre-copy was found unable to converge, if it was


@dataclass
class Verdict:
    """The HMC's record of a migration."""

    outcome: Outcome = Outcome.PENDING
    reason: str = ""
    queued: float = math.nan
    admitted: float = math.nan
    end: float = math.nan
    released: float = math.nan
    abort_entity: str = ""


@dataclass
class Migration:
    """The handle the actors share for one migration (see the module docstring for owners)."""

    plan: Plan
    verdict: Verdict = field(default_factory=Verdict)
    tally: Tally = field(default_factory=Tally)
    lanes: list[Lane] = field(default_factory=list)   # admission grant
    released: float = math.nan                        # admission: when the slots went back
    stream: VasiStream | None = None                  # HMC (states set by hypervisors, mover)
    session: PageSession | None = None                # source hypervisor
    process: simpy.Process | None = None              # the HMC's migrate process
    mover: simpy.Process | None = None
    precopy_done: simpy.Event | None = None
    state_sent: simpy.Event | None = None
    suspend_refusals: int = 0                         # a fault the OS will show at suspend
    stop: Any = None                                  # the StopFault the HMC acts on
    phase_events: dict[str, simpy.Event] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.plan.id

    def when(self, env: simpy.Environment, phase: str) -> simpy.Event:
        """An event that succeeds when the HMC starts step ``phase`` (for phase-timed faults)."""
        if phase not in self.phase_events:
            self.phase_events[phase] = env.event()
        return self.phase_events[phase]

    def enter(self, phase: str) -> None:
        event = self.phase_events.get(phase)
        if event is not None and not event.triggered:
            event.succeed(phase)


@dataclass(frozen=True)
class MigrationRecord:
    """Everything the results need about one migration, frozen at the end of the run."""

    plan: Plan
    verdict: Verdict
    tally: Tally
    times: dict[State, float]
    lanes: tuple[str, ...]
    src_msp: str | None
    dst_msp: str | None
    released: float
    state_bytes: float  # partition state sent while suspended (in the suspended bytes)


def record(mig: Migration) -> MigrationRecord:
    first = mig.lanes[0] if mig.lanes else None
    return MigrationRecord(
        plan=mig.plan, verdict=mig.verdict, tally=mig.tally,
        times=dict(mig.stream.times) if mig.stream else {},
        lanes=tuple(lane.name for lane in mig.lanes),
        src_msp=first.src.vios.name if first else None,
        dst_msp=first.dst.vios.name if first else None, released=mig.released,
        state_bytes=mig.tally.state_bytes)


__all__ = ["Migration", "MigrationRecord", "Plan", "Tally", "Verdict", "record"]
