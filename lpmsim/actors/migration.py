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

    @property
    def mode(self) -> str:
        return self.spec.mode

    @property
    def page_wire_bytes(self) -> int:
        return self.partition.page_size + self.policy.page_header
