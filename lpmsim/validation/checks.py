"""HMC checks of the systems and of the partition itself (seed step 4; like ``migrlpar -o v``).

The rules and their sources (see reference/ibm-lpm-facts.md §6):

- IBM docs "Configuration validation for partition mobility" (S23): the HMCs can talk to each
  other; RMC connections to the partition (active only) and VIOS; mobility capability of both
  servers; resources on the destination for the shell partition; current against supported
  numbers of active and inactive migrations.
- HMC V7R340 help "Migration requirements" (S3): compatible firmware and logical memory block
  size; every external I/O of an active partition goes through a VIOS (no dedicated adapters).
- "Source and destination servers" (S24): huge pages block active migration; a running Dynamic
  Platform Optimizer blocks mobility.
- Processor compatibility modes (S39): the destination must support the current and the
  preferred mode for an active migration; an inactive partition restarts in its preferred mode.
- The "Disable Migration" partition option (S43); a partition whose name is used on the
  destination cannot move (IBM docs "Mobile partition managed by an HMC").

Each check is a function ``(ctx) -> list[Finding]``; :mod:`lpmsim.validation.validate` runs them.
"""

from __future__ import annotations

from dataclasses import dataclass

from lpmsim.inventory import Inventory, ManagedSystem, Partition, Vios
from lpmsim.inventory.changes import destination_id
from lpmsim.units import fmt_bytes
from lpmsim.validation.findings import Finding, error, warning

__all__ = ["Context", "SYSTEM_CHECKS"]


@dataclass(frozen=True)
class Context:
    """What every check reads: the inventory, the migration and its options."""

    inv: Inventory
    part: Partition
    src: ManagedSystem
    dst: ManagedSystem
    mode: str
    redundant_paging: int = 2
    concurrent_active: int = 0
    concurrent_inactive: int = 0
    mpio: int = 2
    vlan_bridge: int = 1
    dest_id: int | None = None

    @property
    def active(self) -> bool:
        return self.mode == "active"

    def by_mode(self, code: str, obj: str, message: str) -> Finding:
        """An error for an active migration, a warning for an inactive one."""
        return (error if self.active else warning)(code, obj, message)


def check_state(c: Context) -> list[Finding]:
    p = c.part
    out = []
    if c.active and p.state != "running":
        out.append(error("PARTITION_NOT_RUNNING", p.name,
                         f"{p.name} is not activated; migrate it inactive or activate it first."))
    if not c.active and p.state == "running":
        out.append(error("PARTITION_RUNNING", p.name,
                         f"{p.name} is running; shut it down for an inactive migration."))
    if c.inv.shell(p.name) is not None:
        out.append(error("MIGRATION_IN_PROGRESS", p.name, f"{p.name} is already being migrated."))
    if p.migration_disabled:
        out.append(error("MIGRATION_DISABLED", p.name,
                         f"{p.name} has the Disable Migration option set."))
    if c.active and not p.rmc:
        out.append(error("RMC_PARTITION", p.name,
                         f"{p.name} has no active RMC connection with the HMC."))
    return out


def check_partition_resources(c: Context) -> list[Finding]:
    p = c.part
    out = []
    if p.huge_pages:
        out.append(c.by_mode(
            "HUGE_PAGES", p.name,
            f"{p.name} uses {p.huge_pages} huge page(s): remove them to migrate it active."
            if c.active else
            f"{p.name} uses huge pages; they may not be available on {c.dst.name} at the next boot."))
    if p.io_slots:
        slots = ", ".join(p.io_slots)
        out.append(c.by_mode(
            "PHYSICAL_IO", p.name,
            f"{p.name} owns dedicated physical I/O adapters ({slots}); remove them with DLPAR "
            "so that all its I/O goes through a VIOS." if c.active else
            f"{p.name}'s dedicated physical I/O adapters ({slots}) stay behind; add adapters on "
            f"{c.dst.name} after the migration."))
    modes = [("current", p.proc_compat_mode)] if c.active else []
    modes.append(("preferred", p.preferred_proc_compat_mode))
    for which, mode in modes:
        if mode not in c.dst.proc_compat_modes:
            out.append(error("PROC_COMPAT_MODE", p.name,
                             f"{c.dst.name} does not support {p.name}'s {which} processor "
                             f"compatibility mode {mode} (it supports {', '.join(c.dst.proc_compat_modes)})."))
    return out


def check_special_resources(c: Context) -> list[Finding]:
    """Resources that block active migration or need something of the destination (issue 14):

    - SR-IOV logical ports assigned directly cannot move; a *migratable* logical port (Hybrid
      Network Virtualization, a vNIC or virtual Ethernet backup) can (IBM community, "Hybrid
      Network Virtualisation", 2025; migrlpar --migsriov, S25). A vNIC needs a VIOS and an SR-IOV
      port in shared mode on the destination to host its server side.
    - BSR arrays: "For a logical partition to participate in active partition mobility, it
      cannot use BSR arrays"; inactive is allowed (IBM POWER8 docs, p8hc3_hmcprepbsr).
    - HEA: LPM needs each Host Ethernet Adapter port in an EtherChannel with a virtual Ethernet
      backup (AIX 7.3, "Requirements for Live Partition Mobility with HEA", S34).
    - vTPM: the destination must hold the same trusted system key (IBM, "Virtual Trusted
      Platform Module"; not in our stored sources, the rule as IBM states it).
    - Virtual serial adapters other than the two reserved ones block active migration
      (SG24-7460, the mobile partition's requirements).
    - The shared processor pool must exist on the destination (migrlpar shared_proc_pool_name,
      REST SharedProcPoolName, S27).
    """
    p, d = c.part, c.dst
    out = []
    if p.sriov_logical_ports:
        out.append(c.by_mode(
            "SRIOV_LOGICAL_PORT", p.name,
            f"{p.name} has {p.sriov_logical_ports} SR-IOV logical port(s) assigned directly; "
            "make them migratable (a vNIC or virtual Ethernet backup) or use a vNIC." if c.active
            else f"{p.name}'s {p.sriov_logical_ports} SR-IOV logical port(s) stay behind."))
    vnic_ports = p.vnic_adapters + p.migratable_sriov_ports
    if vnic_ports and c.active:
        hosts = [v for v in c.inv.vios if v.system == d.name]
        if not hosts or not d.sriov_shared_ports:
            out.append(error("VNIC_BACKING_DEVICE", p.name,
                             f"{d.name} has no VIOS with an SR-IOV port in shared mode to back "
                             f"{p.name}'s {vnic_ports} vNIC / migratable port(s)."))
    if p.bsr_arrays:
        out.append(c.by_mode(
            "BSR_ARRAYS", p.name,
            f"{p.name} uses {p.bsr_arrays} barrier-synchronization register array(s): set them "
            "to 0 in its profile and restart it to migrate it active." if c.active else
            f"{p.name} uses BSR arrays; {d.name} may not offer them at the next activation."))
    if p.hea_ports and c.active and not p.hea_etherchannel_backup:
        out.append(error("HEA_PORT", p.name,
                         f"{p.name} has {p.hea_ports} Host Ethernet Adapter port(s) that are not "
                         "in an EtherChannel with a virtual Ethernet backup adapter."))
    if p.vtpm and c.src.trusted_system_key != d.trusted_system_key:
        out.append(error("VTPM_KEY", p.name,
                         f"{p.name} has a virtual TPM and {d.name}'s trusted system key differs "
                         f"from {c.src.name}'s."))
    if p.virtual_serial_slots and c.active:
        slots = ", ".join(map(str, p.virtual_serial_slots))
        out.append(error("VIRTUAL_SERIAL", p.name,
                         f"{p.name} has virtual serial adapter(s) in slot(s) {slots}; only the "
                         "two reserved ones (0 and 1) may move."))
    if p.shared_proc_pool not in d.shared_proc_pools:
        out.append(error("SHARED_PROC_POOL", p.name,
                         f"{d.name} has no shared processor pool {p.shared_proc_pool!r} "
                         f"(it has {', '.join(d.shared_proc_pools)})."))
    return out


def check_systems(c: Context) -> list[Finding]:
    s, d = c.src, c.dst
    out = [error("NOT_MOBILITY_CAPABLE", x.name, f"{x.name} is not capable of partition mobility.")
           for x in (s, d) if not x.mobility_capable]
    for x, y in ((d, s), (s, d)):
        if x.firmware and y.firmware and x.firmware_compatible and y.firmware not in x.firmware_compatible:
            out.append(error("FIRMWARE_INCOMPATIBLE", x.name,
                             f"{x.name}'s firmware {x.firmware} supports partition mobility only with "
                             f"{', '.join(x.firmware_compatible)}, and {y.name} runs {y.firmware}."))
    if d.dpo_running:
        out.append(error("DPO_RUNNING", d.name,
                         f"The Dynamic Platform Optimizer is running on {d.name}."))
    if s.hmc and d.hmc and s.hmc != d.hmc and d.hmc not in s.remote_hmcs:
        out.append(error("HMC_NOT_CONNECTED", d.hmc,
                         f"HMC {s.hmc} cannot talk to HMC {d.hmc}, which manages {d.name}; "
                         "exchange SSH keys with mkauthkeys."))
    if s.lmb_size != d.lmb_size:
        out.append(error("LMB_SIZE_MISMATCH", d.name,
                         f"The logical memory block size is {fmt_bytes(s.lmb_size)} on {s.name} "
                         f"but {fmt_bytes(d.lmb_size)} on {d.name}; they must be equal."))
    return out


def check_destination_resources(c: Context) -> list[Finding]:
    p, d, inv = c.part, c.dst, c.inv
    out = []
    verb = "create the shell partition" if c.active else "activate it later"
    free_mem = inv.free_memory(d.name)
    if not p.shared_memory and free_mem < p.memory:
        out.append(c.by_mode("DEST_MEMORY", d.name,
                             f"{d.name} has {fmt_bytes(free_mem)} of free memory; {p.name} needs "
                             f"{fmt_bytes(p.memory)} to {verb}."))
    free_cpu = inv.free_processors(d.name)
    if free_cpu < p.processors - 1e-9:
        out.append(c.by_mode("DEST_PROCESSORS", d.name,
                             f"{d.name} has {free_cpu:g} free processors; {p.name} needs "
                             f"{p.processors:g} to {verb}."))
    return out


def check_migration_counts(c: Context) -> list[Finding]:
    if c.active:
        now, limit, kind = c.concurrent_active, "max_active_migrations", "active"
    else:
        now, limit, kind = c.concurrent_inactive, "max_inactive_migrations", "inactive"
    return [error("TOO_MANY_MIGRATIONS", x.name,
                  f"{x.name} already runs {now} {kind} migration(s), its maximum "
                  f"({getattr(x, limit)}).")
            for x in (c.src, c.dst) if now + 1 > getattr(x, limit)]


def check_conflicts(c: Context) -> list[Finding]:
    p, d, inv = c.part, c.dst, c.inv
    out = []
    hosted: list[Partition | Vios] = [*inv.partitions, *inv.vios]
    others = [x for x in hosted if x.system == d.name]
    if any(x.name == p.name for x in others):
        out.append(error("NAME_CONFLICT", f"{d.name}/{p.name}",
                         f"{d.name} already has a partition named {p.name}."))
    taken = {x.id for x in (*others, *inv.shells) if x.system == d.name and x.id is not None
             and x.name != p.name}
    if c.dest_id is not None and c.dest_id in taken:
        out.append(error("ID_CONFLICT", f"{d.name}/id {c.dest_id}",
                         f"Partition ID {c.dest_id} is already used on {d.name}."))
    elif c.dest_id is None and p.id is not None and p.id in taken:
        new = destination_id(inv, p.name, d.name)
        out.append(warning("ID_CONFLICT", f"{d.name}/id {p.id}",
                           f"Partition ID {p.id} is already used on {d.name}; {p.name} will get "
                           f"ID {new} there."))
    return out


SYSTEM_CHECKS = (check_state, check_partition_resources, check_special_resources, check_systems,
                 check_destination_resources, check_migration_counts, check_conflicts)
