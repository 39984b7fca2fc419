"""Many migrations at once, as data: frame evacuations, background traffic on links, the mover's
concurrency-level table, and the faults a scenario injects.

Picture a maintenance night: the HMC is asked to `migrlpar -o m --all` a frame, the LPM network
also carries backups, and halfway through a switch port flaps or a VIOS crashes. This module only
describes that night (every default is here); :mod:`lpmsim.actors` makes it happen.

Faults fire at an absolute time (``at``) or when a named migration enters a phase (``migration``
+ ``phase``), plus an optional delay (``after``). Kinds:

- ``link_down``: the link carries nothing for ``duration`` (forever if not given);
- ``link_degraded``: the link runs at ``bandwidth`` for ``duration``;
- ``msp_failure``: the VIOS ``vios`` (its mover service) fails, for ``duration``;
- ``suspend_refused``: the migration's OS refuses the suspend ``refusals`` times (Linux
  pseries/mobility.c retries after 1 ms, 10 ms, 100 ms and 1 s, then cancels: 5 refusals cancel);
- ``memory_loss``: the system ``system`` loses ``memory`` (e.g. a DIMM deconfigured);
- ``stop``: the user runs `migrlpar -o s` on the migration, then `-o r` after ``recover_after``
  (when ``recover`` is true).
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, Field, model_validator

from lpmsim.inventory.types import STRICT, Bandwidth, Duration, Size
from lpmsim.scenario.policies import PolicyOptions, PowerVMOptions

#: Phases a fault can wait for: the seed table's HMC steps, and VASI-era names for the data path
#: (precopy = transfer, postcopy = resume).
Phase = Literal["validate", "mapping", "prepare", "transfer", "precopy", "suspend", "resume",
                "postcopy", "complete"]
PHASE_STEP = {"validate": "validate", "mapping": "mapping", "prepare": "prepare",
              "transfer": "transfer", "precopy": "transfer", "suspend": "suspend",
              "resume": "resume", "postcopy": "resume", "complete": "complete"}


class ConcurrencyLevels(BaseModel):
    """What vioslpm0 ``concurrency_lvl`` 1..5 gives one migration (entry i is level i+1).

    IBM (S10): a lower level gives a migration more resources and allows fewer concurrent ones;
    from VIOS 2.2.4.0 it also sets the thread count, with a strict thread cap. IBM publishes no
    numbers, so this table is an assumption:

    ===== ======= =======
    level threads max_ops
    ===== ======= =======
    1     16      1
    2     12      2
    3     8       4
    4     6       8
    5     2       8
    ===== ======= =======

    ``threads`` mover threads per migration, each with one TCP stream (one processor's rate at
    most, and window / RTT: :mod:`lpmsim.inventory.mover_cpu`); ``max_ops`` concurrent
    migrations per MSP (the MSP's slots are the smaller of this and ``cfg_msp_lpm_ops``).
    """

    model_config = STRICT
    threads: tuple[int, int, int, int, int] = (16, 12, 8, 6, 2)
    max_ops: tuple[int, int, int, int, int] = (1, 2, 4, 8, 8)

    @model_validator(mode="after")
    def _positive(self):
        if min(self.threads) < 1 or min(self.max_ops) < 1:
            raise ValueError("threads and max_ops must be >= 1")
        return self


class Mover(BaseModel):
    """Mover (MSP data path) parameters shared by every migration."""

    model_config = STRICT
    #: TCP window of one mover stream (assumption: 256 KiB, the AIX tcp_sendspace /
    #: tcp_recvspace ISNO values commonly set for 10 GbE). A stream carries at most window / RTT.
    tcp_window: Size = Field(default=256 * 2**10, gt=0)
    levels: ConcurrencyLevels = ConcurrencyLevels()
    #: Bytes of LPM data one mover thread moves per processor cycle, send or receive side
    #: (TCP with jumbo frames and large send / receive offload, copies to and from the
    #: hypervisor's buffers). Assumption: 0.3, i.e. ~1 GB/s per thread at 3.5 GHz; the one
    #: public figure, ~1 POWER6 processor per side for 1 GbE with 1500-byte frames (S21), is
    #: 0.025. docs/sensitivity.md sweeps it.
    bytes_per_cycle: float = Field(default=0.3, gt=0, le=64)


class Evacuation(BaseModel):
    """`migrlpar -o m -m source -t destination --all`: every partition of ``source``.

    Partitions named in ``order`` go first, in that order; the rest follow in the HMC's default
    order, by partition ID and then name (an assumption: the HMC lists partitions by ID). All
    are submitted at ``start``; the HMC queue admits them in that order as limits allow.
    ``mode = "auto"`` migrates running partitions actively and the others inactively.
    """

    model_config = STRICT
    source: str
    destination: str
    order: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    start: Duration = 0.0
    mode: Literal["auto", "active", "inactive"] = "auto"
    policy: PolicyOptions = PowerVMOptions()
    compression: float = Field(default=1.0, ge=1.0)
    priority: int = 0
    redundant_msps: Literal[0, 1, 2] = 2


class Background(BaseModel):
    """Other traffic on a link (backups, replication): it demands ``rate`` from ``start`` until
    ``end`` (the horizon if not given) and gets its max-min share like any stream."""

    model_config = STRICT
    link: str
    rate: Bandwidth
    start: Duration = 0.0
    end: Duration | None = None


class _Trigger(BaseModel):
    model_config = STRICT
    at: Duration | None = None
    migration: str | None = None
    phase: Phase | None = None
    after: Duration = 0.0

    @model_validator(mode="after")
    def _when(self):
        if (self.at is None) == (self.phase is None):
            raise ValueError("give either at = <time> or migration + phase")
        if self.phase is not None and self.migration is None:
            raise ValueError("phase needs migration = <name>")
        return self


class LinkDownFault(_Trigger):
    kind: Literal["link_down"]
    link: str
    duration: Duration | None = None


class LinkDegradedFault(_Trigger):
    kind: Literal["link_degraded"]
    link: str
    bandwidth: Bandwidth
    duration: Duration | None = None


class MspFailureFault(_Trigger):
    kind: Literal["msp_failure"]
    vios: str
    duration: Duration | None = None


class MemoryLossFault(_Trigger):
    kind: Literal["memory_loss"]
    system: str
    memory: Size


class StopFault(_Trigger):
    kind: Literal["stop"]
    migration: str
    recover: bool = True
    recover_after: Duration = 0.0


class SuspendRefusedFault(BaseModel):
    """Not timed: it acts when the HMC asks the partition to suspend."""

    model_config = STRICT
    kind: Literal["suspend_refused"]
    migration: str
    refusals: int = Field(default=5, ge=1)


Fault = Annotated[
    Union[LinkDownFault, LinkDegradedFault, MspFailureFault, MemoryLossFault, StopFault,
          SuspendRefusedFault],
    Field(discriminator="kind"),
]
FAULT_KINDS = ("link_down", "link_degraded", "msp_failure", "memory_loss", "stop",
               "suspend_refused")


def check(sc) -> list:
    """Cross references of evacuations, background traffic, MSP choices and faults (called by
    :func:`lpmsim.scenario.load.cross_check`); returns Problems with their key paths."""
    from lpmsim.scenario.errors import Problem

    systems = {s.name for s in sc.systems}
    links = {link.name for link in sc.links}
    msps = {v.name: v.system for v in sc.vios if v.msp}
    parts = {p.name: p.system for p in sc.partitions}
    problems = []

    def need(path, value, known, what):
        if value is not None and value not in known:
            problems.append(Problem(path, f"no {what} named {value!r}"))

    for i, ev in enumerate(sc.evacuations):
        need(f"evacuations[{i}].source", ev.source, systems, "managed system")
        need(f"evacuations[{i}].destination", ev.destination, systems, "managed system")
        if ev.source == ev.destination:
            problems.append(Problem(f"evacuations[{i}].destination", "same system as source"))
        for name in (*ev.order, *ev.exclude):
            if parts.get(name) != ev.source:
                problems.append(Problem(f"evacuations[{i}]", f"{name!r} is not a partition of "
                                        f"{ev.source!r}"))
    for m in sc.migrations:
        where = f"migrations[{m.partition}]"
        for key, name, system in (("source_msp", m.source_msp, parts.get(m.partition)),
                                  ("dest_msp", m.dest_msp, m.destination)):
            need(f"{where}.{key}", name, msps, "mover service partition")
            if name in msps and system and msps[name] != system:
                problems.append(Problem(f"{where}.{key}", f"{name!r} is not on {system!r}"))
    for i, bg in enumerate(sc.background):
        need(f"background[{i}].link", bg.link, links, "link")
        if bg.end is not None and bg.end <= bg.start:
            problems.append(Problem(f"background[{i}].end", "must be later than start"))
    ids = _migration_ids(sc)
    for i, f in enumerate(sc.faults):
        where = f"faults[{i}]"
        need(f"{where}.migration", getattr(f, "migration", None), ids, "migration")
        need(f"{where}.link", getattr(f, "link", None), links, "link")
        need(f"{where}.vios", getattr(f, "vios", None), msps, "mover service partition")
        need(f"{where}.system", getattr(f, "system", None), systems, "managed system")
    return problems


def _migration_ids(sc) -> set[str]:
    """Migration ids as the simulator names them: the partition, or partition#n when repeated."""
    from collections import Counter

    names = Counter(m.partition for m in sc.planned)
    ids = {n for n, c in names.items() if c == 1}
    ids |= {f"{n}#{k}" for n, c in names.items() if c > 1 for k in range(1, c + 1)}
    return ids
