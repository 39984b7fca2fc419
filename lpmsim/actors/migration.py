"""One migration while it runs: what the actors share about it, and its tallies."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import simpy

from lpmsim.actors.vasi import VasiStream
from lpmsim.inventory import Partition
from lpmsim.memory import PageState, Writer
from lpmsim.scenario import MigrationSpec


@dataclass
class Migration:
    id: str
    spec: MigrationSpec
    partition: Partition
    source: str
    destination: str
    policy: object
    src_msp: str | None = None
    dst_msp: str | None = None
    path: tuple[str, ...] = ()
    stream: VasiStream | None = None
    pages: PageState | None = None
    writes: Writer | None = None
    reads: Writer | None = None
    last_write: float = 0.0
    precopy_done: simpy.Event | None = None
    state_sent: simpy.Event | None = None
    # outcome and timings
    outcome: str = "pending"
    reason: str = ""
    stop_reason: str = ""
    queued: float = math.nan     # when it asked for a migration slot
    admitted: float = math.nan   # when it got one
    end: float = math.nan        # end of step 9
    passes: int = 0
    bytes: dict[str, float] = field(default_factory=lambda: {"precopy": 0.0, "suspended": 0.0,
                                                             "postcopy": 0.0})
    demand_faults: int = 0
    demand_bytes: float = 0.0
    fault_wait: float = 0.0
    # many migrations at once (lpmsim.actors.admission) and faults (lpmsim.actors.causes)
    index: int = 0               # place in the scenario's list: the FIFO tie-break
    lanes: list = field(default_factory=list)  # MSP pairs streaming this migration
    process: simpy.Process | None = None       # the HMC's migrate process (interrupted on faults)
    mover: simpy.Process | None = None
    released: float = math.nan   # when it gave its slots back
    ending: bool = False         # an abort is being handled: no further interrupts
    failovers: int = 0
    resent_bytes: float = 0.0    # bytes of chunks lost with a failed lane and sent again
    abort_entity: str = ""       # VASI abort-code entity of the cause, if it ended early
    suspend_refusals: int = 0    # how often the OS refuses to suspend (a fault)
    stop: object = None          # the StopFault being acted on
    phase_events: dict = field(default_factory=dict)

    def when(self, env: simpy.Environment, phase: str) -> simpy.Event:
        """An event that succeeds when the HMC starts step ``phase`` (for phase-timed faults)."""
        if phase not in self.phase_events:
            self.phase_events[phase] = env.event()
        return self.phase_events[phase]

    def enter(self, phase: str) -> None:
        event = self.phase_events.get(phase)
        if event is not None and not event.triggered:
            event.succeed(phase)

    @property
    def mode(self) -> str:
        return self.spec.mode

    @property
    def page_wire_bytes(self) -> int:
        return self.partition.page_size + self.policy.page_header
