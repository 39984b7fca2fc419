"""Typed records that the actors append while the simulation runs (they never print or write
files). :mod:`lpmsim.results` turns them into DataFrames; every field is documented there."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EventRecord:
    time: float
    migration: str
    actor: str      # dotted scope: "hmc", "frameA.hypervisor", "frameA.vios1.msp"
    event: str      # VASI state (ENABLED, SUSPENDING, ...) or an action ("precopy_stop", ...)
    detail: str = ""


@dataclass(frozen=True)
class PhaseRecord:
    migration: str
    step: int       # the seed table's step number, 1-11
    phase: str
    start: float
    end: float


@dataclass(frozen=True)
class PassRecord:
    migration: str
    pass_no: int
    stage: str      # "precopy", "suspended" (sent while suspended) or "postcopy"
    start: float
    end: float
    pages: float    # normal (non-zero) memory pages sent
    bytes: float    # bytes on the wire
    dirty_end: float  # pages not yet current on the destination when the pass ended
    demand_pages: float = 0.0
    zero_pages: float = 0.0  # zero pages sent (QEMU scans all RAM; 9 bytes each)


@dataclass(frozen=True)
class GuestRecord:
    """The guest's achieved share of its nominal work over [start, end]; only intervals below
    1 are recorded (the guest runs at its nominal rate the rest of the time)."""
    migration: str
    stage: str       # "precopy" (a sync or setup holds the guest) or "postcopy"
    start: float
    end: float
    progress: float  # achieved / nominal rate, 0..1


@dataclass
class Recorder:
    events: list[EventRecord] = field(default_factory=list)
    phases: list[PhaseRecord] = field(default_factory=list)
    passes: list[PassRecord] = field(default_factory=list)
    guest: list[GuestRecord] = field(default_factory=list)
    links: list = field(default_factory=list)  # lpmsim.network.LinkSample

    def event(self, time: float, migration: str, actor: str, event: str, detail: str = "") -> None:
        self.events.append(EventRecord(time, migration, actor, event, detail))
