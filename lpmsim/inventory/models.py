"""The managed world as pure data: managed systems, VIOS (and their mover service partitions),
network links and partitions with their workloads.

These are frozen pydantic models: a scenario file is parsed into them once
(:mod:`lpmsim.scenario`), every field has its default here and nowhere else, and unknown keys
are rejected. Nothing in this module knows about time or SimPy.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from lpmsim.inventory.adapters import (
    Profile, VirtualEthAdapter, VirtualFcAdapter, VirtualScsiAdapter,
)
from lpmsim.inventory.hosting import FcPort, Interface, PagingDevice, Sea
from lpmsim.inventory.types import (
    STRICT, Bandwidth, Duration, Fraction, PortionField, Portion, Size, WriteRate,
)
from lpmsim.units import Rate

#: Processor compatibility modes of a POWER10 server (IBM docs, S39); "default" lets the
#: hypervisor pick the highest mode the operating system supports.
POWER10_MODES = ("default", "POWER8", "POWER9_base", "POWER9", "POWER10")
#: Processor compatibility modes a server of each generation supports, so the modes a partition
#: may keep when it moves there (IBM "Processor compatibility modes", S39, for POWER7-POWER9;
#: POWER10 and Power11 from IBM's Power10/Power11 documentation of the same topic; each
#: generation keeps the two or three before it).
GENERATION_MODES = {
    "POWER8": ("default", "POWER6", "POWER6+", "POWER7", "POWER8"),
    "POWER9": ("default", "POWER7", "POWER8", "POWER9_base", "POWER9"),
    "POWER10": POWER10_MODES,
    "Power11": ("default", "POWER9_base", "POWER9", "POWER10", "Power11"),
}


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
    #: Memory and processors the hypervisor and the VIOS hold. What is free for partitions is
    #: derived: installed - reserved - AMS pool - activated partitions (Inventory.free_memory).
    reserved_memory: Size = 0
    reserved_processors: float = Field(default=0.0, ge=0)
    #: Logical memory block size; it must be equal on both sides (S3). 256 MB is the default
    #: above 32 GB of memory (S40).
    lmb_size: Size = 256 * 2**20
    #: The processor generation; when given, it sets the default of proc_compat_modes.
    processor: Literal["POWER8", "POWER9", "POWER10", "Power11"] | None = None
    proc_compat_modes: tuple[str, ...] = POWER10_MODES
    #: The system's trusted system key (vTPM): a partition with a vTPM moves only to a system
    #: with the same key (IBM, "Virtual Trusted Platform Module"; assumption from its rule).
    trusted_system_key: str = ""
    #: Shared processor pools by name ("DefaultPool" always exists, pool 0).
    shared_proc_pools: tuple[str, ...] = ("DefaultPool",)
    #: SR-IOV physical ports in shared mode, which can back a vNIC server on a VIOS.
    sriov_shared_ports: int = Field(default=0, ge=0)
    firmware: str = ""
    #: Processor clock (GHz); the rate of a VIOS mover thread scales with it. Assumption:
    #: 3.5 GHz, about the nominal clock of POWER9 and POWER10 servers.
    processor_ghz: float = Field(default=3.5, gt=0, le=10)
    #: Raw bytes per second its NX accelerators compress and encrypt (or decompress and
    #: decrypt) for LPM; None: not a bound. IBM publishes no LPM figure; the order of magnitude
    #: is far above an MSP's: one POWER9 NX compression accelerator does the work of 388 cores
    #: of zlib, 13x a whole chip's cores (Abali et al., "Data Compression Accelerator on IBM
    #: POWER9 and z15 Processors", ISCA 2020).
    nx_throughput: Bandwidth | None = None
    #: Firmware levels of another system this one can migrate with (IBM's firmware support
    #: matrix, S12); empty: any.
    firmware_compatible: tuple[str, ...] = ()
    mobility_capable: bool = True
    #: Size of the Active Memory Sharing pool; 0: the system has none.
    shared_memory_pool: Size = 0
    #: The Dynamic Platform Optimizer is running; it blocks mobility to this system (S24).
    dpo_running: bool = False
    #: The HMC managing this system, and the HMCs it has exchanged SSH keys with (mkauthkeys),
    #: for a migration between systems of two HMCs (S3, S23). "" means the one HMC.
    hmc: str = ""
    remote_hmcs: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _generation_modes(cls, data):
        """``processor = "POWER9"`` sets the modes the server supports, unless given."""
        if isinstance(data, dict) and data.get("processor") in GENERATION_MODES \
                and "proc_compat_modes" not in data:
            data = data | {"proc_compat_modes": GENERATION_MODES[data["processor"]]}
        return data

    @model_validator(mode="after")
    def _reserved(self):
        if self.reserved_memory + self.shared_memory_pool > self.memory:
            raise ValueError("reserved_memory + shared_memory_pool is larger than memory")
        if self.reserved_processors > self.processors:
            raise ValueError("reserved_processors is larger than processors")
        return self


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
    latency: Duration = Field(default=50e-6, ge=0)
    mtu: int = Field(default=1500, ge=576, le=9216)
    efficiency: Fraction | None = None
    aggregation: int = Field(default=1, ge=1, description="bonded ports (link aggregation)")

    @property
    def usable_efficiency(self) -> float:
        return self.efficiency if self.efficiency is not None else (self.mtu - 52) / (self.mtu + 38)

    @model_validator(mode="after")
    def _positive(self):
        if not self.bandwidth > 0:
            raise ValueError("bandwidth must be > 0")
        if self.efficiency is not None and not self.efficiency > 0:
            raise ValueError("efficiency must be > 0 (a share of the line rate, up to 1)")
        return self


class Vios(BaseModel):
    """A Virtual I/O Server; with ``msp = true`` it is also a mover service partition (MSP)."""

    model_config = STRICT
    name: str
    system: str
    msp: bool = True
    #: Processors its mover threads can run on: the entitlement of a capped VIOS, the virtual
    #: processors an uncapped one can grow to, the cores of a dedicated one. Assumption: 2.0.
    entitlement: float = Field(default=2.0, gt=0, le=1024)
    #: What the MSP moves in all (bytes/s), when known (``lpmsim calibrate`` fits it); not
    #: given: entitlement x one thread's rate (:mod:`lpmsim.inventory.mover_cpu`).
    msp_throughput: Bandwidth | None = Field(default=None, gt=0)
    #: ioslevel, e.g. "3.1.4.10": from 3.1.2 (with HMC V9R2M950) the HMC sizes a migration's
    #: threads itself (S10).
    version: str = ""
    #: The links this VIOS's MSP traffic crosses, in order from the VIOS outwards.
    links: tuple[str, ...] = ()
    #: Its LPM interfaces, each with the links behind it; none given: one interface over
    #: ``links``. Two MSPs pair only over interfaces that share a link (a common network).
    interfaces: tuple[Interface, ...] = ()
    #: vioslpm0 attributes (S9, S10): concurrent LPM operations and resources per operation.
    cfg_msp_lpm_ops: int = Field(default=8, ge=1, le=8)
    concurrency_lvl: int = Field(default=4, ge=1, le=5)
    id: int | None = Field(default=None, ge=1)
    #: RMC connection to the HMC; validation needs it on every VIOS involved (S23).
    rmc: bool = True
    #: Virtual slots: the maximum (profile max_virtual_slots) and the ones used by adapters the
    #: scenario does not list (other clients, trunk adapters). Slots 0 and 1 are reserved.
    #: Assumption: 200 unless given.
    max_virtual_slots: int = Field(default=200, ge=2, le=65535)
    slots_in_use: tuple[int, ...] = ()
    #: VTD names in use by clients the scenario does not list.
    vtds: tuple[str, ...] = ()
    #: LUN identities of the SAN disks this VIOS sees.
    storage: tuple[str, ...] = ()
    fc_ports: tuple[FcPort, ...] = ()
    seas: tuple[Sea, ...] = ()
    #: Paging devices it serves to the system's shared memory pool (a paging VIOS).
    paging_devices: tuple[PagingDevice, ...] = ()

    def lpm_interfaces(self) -> tuple[Interface, ...]:
        return self.interfaces or (Interface(name="", links=self.links),)

    def fc_port(self, name: str) -> FcPort | None:
        return next((p for p in self.fc_ports if p.name == name), None)

    @model_validator(mode="after")
    def _slots(self):
        if bad := sorted(s for s in self.slots_in_use if not 0 <= s < self.max_virtual_slots):
            raise ValueError(f"slots_in_use {bad} lie outside 0..max_virtual_slots-1 "
                             f"({self.max_virtual_slots - 1})")
        return self


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
    #: Touched, never-rewritten memory packed at the top of the address space, which an
    #: address-order scan meets last (part of ``touched``). Linux allocates its struct page
    #: array (64 bytes per 4 KiB page on x86-64: 1/64 of RAM) top-down at boot. Default 0.
    top_touched: PortionField = Portion(nbytes=0)
    page_size: Size = 4096
    processors: float = Field(default=1.0, gt=0)
    state: Literal["running", "not activated"] = "running"
    workload: Workload = Workload()
    id: int | None = Field(default=None, ge=1)
    #: Profiles, and the one last activated ("" = the first). A migration moves them all (S3).
    profiles: tuple[Profile, ...] = ()
    active_profile: str = ""
    #: Current (effective) and preferred processor compatibility modes (S39).
    proc_compat_mode: str = "default"
    preferred_proc_compat_mode: str = "default"
    #: Resources that block or change LPM (issue 14; sources in lpmsim.validation.checks):
    #: SR-IOV logical ports assigned to the partition directly, and the migratable ones (with
    #: a vNIC or virtual Ethernet backup device: Hybrid Network Virtualization).
    sriov_logical_ports: int = Field(default=0, ge=0)
    migratable_sriov_ports: int = Field(default=0, ge=0)
    #: vNIC client adapters (their server side needs a VIOS and an SR-IOV port in shared mode).
    vnic_adapters: int = Field(default=0, ge=0)
    #: Barrier-synchronization register arrays (dedicated-processor partitions only).
    bsr_arrays: int = Field(default=0, ge=0)
    #: Host Ethernet Adapter logical ports, and whether each is in an EtherChannel with a
    #: virtual Ethernet backup (the configuration AIX supports for LPM).
    hea_ports: int = Field(default=0, ge=0)
    hea_etherchannel_backup: bool = False
    #: Virtual Trusted Platform Module enabled.
    vtpm: bool = False
    #: Client virtual serial adapters beyond the two reserved ones (slots 0 and 1).
    virtual_serial_slots: tuple[int, ...] = ()
    #: Raw / compressed size of its memory under the NX's compression, when LPM compresses
    #: (POWER9+ at FW920+). Default 1 (incompressible, the conservative assumption); zero-filled
    #: memory compresses far more, text a few times, encrypted data not at all.
    compressibility: float = Field(default=1.0, ge=1.0, le=1000.0)
    #: The shared processor pool it runs in (shared-processor partitions).
    shared_proc_pool: str = "DefaultPool"
    #: "shared": an Active Memory Sharing partition, paged by a paging VIOS.
    mem_mode: Literal["ded", "shared"] = "ded"
    #: 16 GB huge pages; they block active migration (S24).
    huge_pages: int = Field(default=0, ge=0)
    #: Dedicated physical I/O adapters (location codes); they block active migration (S3).
    io_slots: tuple[str, ...] = ()
    #: The "Disable Migration" option (S43).
    migration_disabled: bool = False
    #: RMC connection between the partition and the HMC; needed for active migration (S23).
    rmc: bool = True
    virtual_scsi_adapters: tuple[VirtualScsiAdapter, ...] = ()
    virtual_fc_adapters: tuple[VirtualFcAdapter, ...] = ()
    virtual_eth_adapters: tuple[VirtualEthAdapter, ...] = ()

    @property
    def shared_memory(self) -> bool:
        return self.mem_mode == "shared"

    def profile(self, name: str = "") -> Profile | None:
        """The named profile, or the active one; None when the partition has none."""
        name = name or self.active_profile
        if not name:
            return self.profiles[0] if self.profiles else None
        return next((p for p in self.profiles if p.name == name), None)

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
    def top_pages(self) -> int:
        """Pages of ``top_touched`` (within the sent pages, outside a written working set)."""
        writes = self.workload.kind != "idle" and self.workload.rate.value > 0
        free = self.sent_pages - (self.working_set_pages if writes else 0)
        return max(0, min(free, self.top_touched.of(self.memory) // self.page_size))

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
        problems += _adapter_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _adapter_problems(p: Partition) -> list[str]:
    problems = []
    slots = [*(a.slot for a in p.virtual_scsi_adapters), *(a.slot for a in p.virtual_fc_adapters),
             *(a.slot for a in p.virtual_eth_adapters)]
    if dup := sorted({s for s in slots if slots.count(s) > 1}):
        problems.append(f"virtual slot(s) {dup} hold more than one adapter")
    names = [pr.name for pr in p.profiles]
    if dup_names := sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"profile name(s) {dup_names} used more than once")
    if p.active_profile and p.active_profile not in names:
        problems.append(f"active_profile {p.active_profile!r} is not one of the profiles")
    return problems
