"""The managed world as pure data: managed systems, VIOS (and their mover service partitions),
network links and partitions with their workloads.

These are frozen pydantic models: a scenario file is parsed into them once
(:mod:`lpmsim.scenario`), every field has its default here and nowhere else, and unknown keys
are rejected. Nothing in this module knows about time or SimPy.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from lpmsim.inventory.types import (
    STRICT, Bandwidth, Duration, Fraction, PortionField, Portion, Size, WriteRate,
)
from lpmsim.units import Rate


class ManagedSystem(BaseModel):
    """A POWER server (a "frame") managed by the HMC."""

    model_config = STRICT
    name: str
    memory: Size = Field(default=2 * 2**40, description="installed memory")
    processors: float = Field(default=64.0, gt=0)
    #: REST MaximumActiveMigrations / MaximumInactiveMigrations (pypowervm fixtures show 16/16
    #: and 16/4; "up to 16 per system", aix4admins) -- see reference/ibm-lpm-facts.md §5.1.
    max_active_migrations: int = Field(default=16, ge=1)
    max_inactive_migrations: int = Field(default=16, ge=1)


class Link(BaseModel):
    """A network link that MSP traffic crosses: an MSP's adapter, a switch, an uplink.

    Usable capacity = bandwidth x efficiency x aggregation. Without an explicit efficiency it is
    TCP/IPv4 payload over Ethernet framing for the MTU: (mtu - 52) / (mtu + 38), i.e. 0.941 at
    1500 bytes and 0.990 with 9000-byte jumbo frames (40 B IP+TCP headers + 12 B timestamps
    option; 38 B of Ethernet preamble, header, FCS and inter-frame gap). IBM recommends jumbo
    frames for LPM ("Best Practices for LPM Networking", S17).
    """

    model_config = STRICT
    name: str
    bandwidth: Bandwidth
    latency: Duration = 50e-6
    mtu: int = Field(default=1500, ge=576, le=9216)
    efficiency: Fraction | None = None
    aggregation: int = Field(default=1, ge=1, description="bonded ports (link aggregation)")

    @property
    def usable_efficiency(self) -> float:
        return self.efficiency if self.efficiency is not None else (self.mtu - 52) / (self.mtu + 38)

    @model_validator(mode="after")
    def _positive(self):
        if self.bandwidth <= 0:
            raise ValueError("bandwidth must be > 0")
        return self


class Vios(BaseModel):
    """A Virtual I/O Server; with ``msp = true`` it is also a mover service partition (MSP)."""

    model_config = STRICT
    name: str
    system: str
    msp: bool = True
    #: What one MSP can push through its mover threads (VIOS CPU and threads). Unknown in public
    #: sources; IBM's POWER6-era guidance needs ~1 processor per side for 1 GbE (S21). Default
    #: assumption: not the bottleneck below 10 GbE.
    msp_throughput: Bandwidth = 2.0e9
    #: The links this VIOS's MSP traffic crosses, in order from the VIOS outwards.
    links: tuple[str, ...] = ()
    #: vioslpm0 attributes (S9, S10): concurrent LPM operations and resources per operation.
    cfg_msp_lpm_ops: int = Field(default=8, ge=1, le=8)
    concurrency_lvl: int = Field(default=4, ge=1, le=5)


WorkloadKind = Literal["idle", "uniform", "hotcold", "sequential"]


class Workload(BaseModel):
    """How the partition writes its memory while it runs.

    - ``idle``: no writes.
    - ``uniform``: random writes at ``rate`` over ``working_set``.
    - ``hotcold``: ``hot_share`` of the writes fall on ``hot_set`` (inside the working set), the
      rest uniformly on the remainder of the working set.
    - ``sequential``: a sweep over ``working_set`` at ``rate``, wrapping around.

    ``read_rate`` adds reads (sampled like writes) that only matter after resume, where touching a
    page that has not yet arrived costs a demand-paging request.
    """

    model_config = STRICT
    kind: WorkloadKind = "idle"
    rate: WriteRate = Rate(0.0, "pages")
    working_set: PortionField = Portion(fraction=1.0)
    hot_set: PortionField = Portion(fraction=0.1)
    hot_share: Fraction = 0.9
    read_rate: WriteRate = Rate(0.0, "pages")


class Partition(BaseModel):
    """A logical partition (LPAR), the mobile partition of a migration."""

    model_config = STRICT
    name: str
    system: str
    memory: Size
    #: Memory ever written. Never-touched pages are not sent (S22); "75%" or "48 GiB".
    touched: PortionField = Portion(fraction=1.0)
    #: Touched memory the OS has marked unused (H_PAGE_SET_UNUSED, S7): not sent either.
    unused: PortionField = Portion(nbytes=0)
    page_size: Size = 4096
    processors: float = Field(default=1.0, gt=0)
    state: Literal["running", "not activated"] = "running"
    workload: Workload = Workload()

    @property
    def pages(self) -> int:
        return self.memory // self.page_size

    @property
    def touched_pages(self) -> int:
        return min(self.pages, self.touched.of(self.memory) // self.page_size)

    @property
    def sent_pages(self) -> int:
        """Pages pass 1 sends: touched and not marked unused."""
        return max(0, self.touched_pages - self.unused.of(self.memory) // self.page_size)

    @property
    def working_set_pages(self) -> int:
        return min(self.sent_pages, self.workload.working_set.of(self.sent_pages * self.page_size)
                   // self.page_size)

    @model_validator(mode="after")
    def _consistent(self):
        problems = []
        if self.page_size <= 0 or self.page_size & (self.page_size - 1):
            problems.append(f"page_size must be a power of two, got {self.page_size}")
        elif self.memory < self.page_size:
            problems.append("memory must hold at least one page")
        if self.touched.of(self.memory) > self.memory:
            problems.append("touched is larger than memory")
        wl = self.workload
        if wl.working_set.nbytes is not None and wl.working_set.nbytes > self.touched.of(self.memory):
            problems.append("workload.working_set is larger than touched memory")
        if wl.kind != "idle" and wl.rate.value == 0:
            problems.append(f"workload.rate must be > 0 for a {wl.kind!r} workload")
        if problems:
            raise ValueError("; ".join(problems))
        return self
