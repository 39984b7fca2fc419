"""The scenario: an inventory, the platform's timing parameters and the migrations to run.

Every default lives in this module (or in the inventory and policy models it composes), so a
mistyped key is an error and never a silent default. Durations of HMC steps are not published by
IBM: they are parameters with the defaults below, documented as assumptions in the README.
"""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import BaseModel, Field

from lpmsim.inventory import Inventory, Link, ManagedSystem, Partition, Vios
from lpmsim.inventory.mappings import MigrationOptions
from lpmsim.inventory.types import STRICT, Duration, Size
from lpmsim.scenario.faults import Background, Evacuation, Fault, Mover
from lpmsim.scenario.policies import PolicyOptions, PowerVMOptions


class HmcSteps(BaseModel):
    """The HMC: durations of the seed table's steps that are not data transfers (assumptions),
    and its version (e.g. "V10R2M1040"; from V9R2M950 it sizes mover threads per migration)."""

    version: str = ""

    requirements: Duration = 0.0     # step 1, user: requirements and preparation
    shutdown: Duration = 60.0        # step 2, inactive only: the OS shuts down
    validate_: Duration = Field(default=30.0, alias="validate")  # step 3: wizard / migrlpar -o m validates
    mapping: Duration = 5.0          # step 4: adapter discovery and recommended mappings
    prepare: Duration = 20.0         # step 5: shell partition, destination adapters
    profiles: Duration = 5.0         # step 6: profile transfer (the whole step when inactive)
    cleanup: Duration = 10.0         # step 9: source reclaim
    activate: Duration = 120.0       # step 10, inactive only: the user activates (boot)
    post: Duration = 0.0             # step 11, user: postrequisite tasks

    model_config = STRICT | {"populate_by_name": True}


class Hypervisor(BaseModel):
    """POWER Hypervisor and mobile-OS parameters of an active migration."""

    model_config = STRICT
    #: The OS polls H_VASI_STATE every 1 s until SUSPENDING (Linux pseries/mobility.c); the
    #: suspend starts at the next poll. 0 = immediately.
    os_poll: Duration = 1.0
    #: H_JOIN of all CPUs and ibm,suspend-me: from the OS noticing SUSPENDING to SUSPENDED.
    suspend: Duration = 0.05
    #: Partition state other than memory pages (device tree, hypervisor state) sent while
    #: suspended, fixed part (assumption; no public figure).
    state_bytes: Size = 16 * 2**20
    #: Architected state per virtual processor (registers, SLB, VPA, dispatch trace log) sent
    #: while suspended (assumption: 256 KiB; Linux joins every CPU in H_JOIN before
    #: ibm,suspend-me, mobility.c, so each one's state must move).
    state_per_processor: Size = 256 * 2**10
    #: Hashed page table size / maximum memory: 1/64 (IBM Knowledge Center, POWER7 "Memory":
    #: "the size of the HPT is based on an HPT ratio of 1/64"; later HMCs let a profile choose
    #: the ratio). 0 for a radix-MMU partition.
    hpt_ratio: float = Field(default=1 / 64, ge=0, le=1)
    #: From the last state byte arriving to the partition running on the destination.
    resume: Duration = 0.05
    #: Bytes moved per chunk (one SimPy event). "auto": touched memory / 2048, at least 16 MiB,
    #: so the event count does not grow with the page count.
    chunk: Size | Literal["auto"] = "auto"


class MigrationSpec(BaseModel):
    """One `migrlpar -o m` to run."""

    model_config = STRICT
    partition: str
    destination: str
    mode: Literal["active", "inactive"] = "active"
    start: Duration = 0.0
    policy: PolicyOptions = PowerVMOptions()
    #: The NX compression ratio of this migration's data (> 1 states it outright); 1: as the
    #: systems decide (POWER9+ at FW920+ compress at the partition's ``compressibility``,
    #: lpmsim.inventory.nx). PowerVM active migrations only.
    compression: float = Field(default=1.0, ge=1.0, le=1000.0)
    #: migrlpar options that change validation: user adapter mappings, --redundantvios style
    #: paging redundancy, --mpio, --vlanbridge, the destination partition ID.
    options: MigrationOptions = MigrationOptions()
    #: Place in the HMC queue: lower goes first; equal priorities keep their order (FIFO).
    priority: int = 0
    #: The MSPs to use (migrlpar -i source_msp_name / dest_msp_name); by default the HMC picks the
    #: pair with free slots and the least load when it admits the migration.
    source_msp: str | None = None
    dest_msp: str | None = None
    #: migrlpar -i source_msp_ipaddr / dest_msp_ipaddr: the MSP interfaces to use (S18).
    source_msp_ipaddr: str | None = None
    dest_msp_ipaddr: str | None = None
    #: migrlpar --redundantmsps: 0 do not use, 1 required, 2 if available (S26). A redundant
    #: migration streams over two MSP pairs and fails over to the survivor. Default 2: IBM uses
    #: redundant MSPs "by default for better performance and reliability wherever the
    #: configuration allows" (Best Practices for LPM Networking, S17).
    redundant_msps: Literal[0, 1, 2] = 2


class Scenario(BaseModel):
    """A validated, frozen scenario. Build it with :func:`lpmsim.load_scenario`."""

    model_config = STRICT | {"ignored_types": (cached_property,)}
    name: str = "scenario"
    description: str = ""
    seed: int = Field(default=0, ge=0)
    #: Simulated time after which the run stops; migrations still going (a QEMU pre-copy that
    #: never converges runs until someone intervenes) end with outcome "unfinished".
    horizon: Duration = Field(default=7 * 86400.0, gt=0)
    #: The work a run may do, in simulation events (issue 15): the engine wakes only at
    #: decisions (the 64-partition evacuation takes ~4,400 events), so 2,000,000 (minutes of
    #: wall time) is hit only by a pathological scenario; its migrations end "unfinished".
    max_events: int = Field(default=2_000_000, ge=100)
    hmc: HmcSteps = HmcSteps()
    hypervisor: Hypervisor = Hypervisor()
    systems: tuple[ManagedSystem, ...] = ()
    vios: tuple[Vios, ...] = ()
    links: tuple[Link, ...] = ()
    partitions: tuple[Partition, ...] = ()
    migrations: tuple[MigrationSpec, ...] = ()
    #: migrlpar --all: every partition of a system (lpmsim.scenario.faults.Evacuation).
    evacuations: tuple[Evacuation, ...] = ()
    background: tuple[Background, ...] = ()
    faults: tuple[Fault, ...] = ()
    mover: Mover = Mover()

    @cached_property
    def planned(self) -> tuple[MigrationSpec, ...]:
        """Every migration to run: ``migrations``, then each evacuation expanded in its order."""
        out = list(self.migrations)
        for ev in self.evacuations:
            parts = [p for p in self.partitions if p.system == ev.source and p.name not in ev.exclude]
            rank = {name: i for i, name in enumerate(ev.order)}
            parts.sort(key=lambda p: (rank.get(p.name, len(rank)), p.id or 2**31, p.name))
            for p in parts:
                mode = ev.mode if ev.mode != "auto" else (
                    "active" if p.state == "running" else "inactive")
                out.append(MigrationSpec(partition=p.name, destination=ev.destination, mode=mode,
                                         start=ev.start, policy=ev.policy,
                                         compression=ev.compression, priority=ev.priority,
                                         redundant_msps=ev.redundant_msps))
        return tuple(out)

    @cached_property
    def inventory(self) -> Inventory:
        return Inventory(systems=self.systems, vios=self.vios, links=self.links,
                         partitions=self.partitions)

    def to_dict(self) -> dict:
        """A plain, re-loadable dict (exact values) of the resolved scenario."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)
