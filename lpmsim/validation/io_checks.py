"""HMC checks of the partition's I/O: VIOS, mover service partitions, VLANs, SAN, paging.

The rules and their sources (see reference/ibm-lpm-facts.md §6 and §8):

- RMC connections to the VIOS involved, for active and inactive migration; an MSP on each side,
  with RMC, for active migration only, none for inactive (S23; S3 MSP, Mig_MSP).
- Every VLAN of the partition's virtual Ethernet adapters bridged by a Shared Ethernet Adapter on
  the destination (S41; ``migrlpar --vlanbridge``, S25).
- Virtual SCSI disks must be SAN disks the destination VIOS can see, shared with
  ``reserve_policy=no_reserve`` (S3, S35); local logical volumes and files cannot move.
- NPIV: the destination logs in the *inactive* WWPN of each vFC adapter, so it must be zoned and
  masked to the same storage (S38, HSCLA319 in S30); the source port must be known to know its
  fabric.
- Active Memory Sharing: the destination needs a shared memory pool with a free paging device at
  least as large as the partition's memory, redundant when asked (S3 Mig_SharedMemoryPool,
  Mig_PagingVIOSRedundancy; S32).

Which destination VIOS can host each vSCSI and vFC adapter, with free virtual slots, is checked
while recommending mappings (:mod:`lpmsim.validation.mapping`).
"""

from __future__ import annotations

from lpmsim.inventory.networks import connected
from lpmsim.inventory.paging import choose_paging_device, pool_devices
from lpmsim.units import fmt_bytes
from lpmsim.validation.checks import Context
from lpmsim.validation.findings import Finding, error, warning

__all__ = ["IO_CHECKS"]


def check_vios(c: Context) -> list[Finding]:
    p, inv = c.part, c.inv
    out = []
    hosting = dict.fromkeys([*(a.vios for a in p.virtual_scsi_adapters),
                             *(a.vios for a in p.virtual_fc_adapters)])
    for name in hosting:
        v = inv.find_vios(name)
        if v is None or v.system != p.system:
            out.append(error("ADAPTER_VIOS_UNKNOWN", name,
                             f"{p.name} has adapters served by {name}, which is not a VIOS of {p.system}."))
        elif not v.rmc:
            out.append(error("RMC_VIOS", name, f"{name} has no active RMC connection with the HMC."))
    if c.active:
        for system in (c.src, c.dst):
            msps = inv.msps_of(system.name)
            if not msps:
                out.append(error("NO_MSP", system.name,
                                 f"{system.name} has no VIOS enabled as mover service partition."))
            elif not any(m.rmc for m in msps):
                out.append(error("NO_MSP", system.name,
                                 f"No mover service partition of {system.name} has an active RMC "
                                 "connection."))
        src, dst = inv.msps_of(c.src.name), inv.msps_of(c.dst.name)
        if src and dst and not connected(src, dst):
            out.append(error("MSP_NO_COMMON_NETWORK", f"{c.src.name}/{c.dst.name}",
                             f"No mover service partition of {c.src.name} shares a network (a "
                             f"link) with one of {c.dst.name}; connect an LPM interface of each "
                             "to a common network."))
    return out


def check_vlans(c: Context) -> list[Finding]:
    seas = [s for v in c.inv.vios_of(c.dst.name) for s in v.seas]
    make = error if c.vlan_bridge == 1 else warning
    out = []
    for a in c.part.virtual_eth_adapters:
        bridged = {vlan for s in seas if s.vswitch == a.vswitch for vlan in s.vlans}
        if missing := [vlan for vlan in a.all_vlans if vlan not in bridged]:
            out.append(make("VLAN_NOT_BRIDGED", f"{c.part.name}/veth slot {a.slot}",
                            f"No Shared Ethernet Adapter on {c.dst.name} bridges VLAN(s) "
                            f"{', '.join(map(str, missing))} of virtual switch {a.vswitch}."))
    return out


def check_storage(c: Context) -> list[Finding]:
    p, inv = c.part, c.inv
    out = []
    for a in p.virtual_scsi_adapters:
        label = f"{p.name}/vscsi slot {a.slot}"
        for d in a.devices:
            if d.kind != "pv":
                out.append(error("VSCSI_BACKING_NOT_SAN", label,
                                 f"Backing device {d.vtd or d.lun} is a {_KINDS[d.kind]} on "
                                 f"{a.vios}; only SAN disks can move."))
            elif d.reserve_policy in ("single_path", "PR_exclusive"):
                out.append(error("RESERVE_POLICY", label,
                                 f"Disk {d.lun} has reserve_policy={d.reserve_policy} on {a.vios}; "
                                 "set it to no_reserve so the destination VIOS can open it."))
    for fc in p.virtual_fc_adapters:
        label = f"{p.name}/vfc slot {fc.slot}"
        src = inv.find_vios(fc.vios)
        if src is not None and src.fc_port(fc.port) is None:
            out.append(error("VFC_PORT_UNKNOWN", label,
                             f"{fc.vios} has no physical FC port {fc.port}, so its fabric is unknown."))
        if missing := sorted(set(fc.storage) - fc.inactive_sees):
            out.append(error("NPIV_ZONING", label,
                             f"The inactive WWPN {fc.wwpns[1]} is not zoned or masked to "
                             f"{', '.join(missing)}; the destination VIOS logs in with it."))
    return out


_KINDS = {"lv": "logical volume", "file": "file", "optical": "optical device", "pv": "disk"}


def check_shared_memory(c: Context) -> list[Finding]:
    p, d = c.part, c.dst
    if not p.shared_memory:
        return []
    devices = pool_devices(c.inv, d.name)
    if not d.shared_memory_pool or not devices:
        return [error("AMS_NO_POOL", d.name,
                      f"{d.name} has no shared memory pool with paging devices for {p.name}.")]
    found = choose_paging_device(c.inv, d.name, p.memory, c.redundant_paging)
    if found is None and c.redundant_paging == 1 and choose_paging_device(c.inv, d.name, p.memory, 2):
        return [error("AMS_NO_REDUNDANT_PAGING", d.name,
                      f"No free paging device of {fmt_bytes(p.memory)} on {d.name} is reachable "
                      "through two paging VIOS, and redundancy is required.")]
    if found is None:
        return [c.by_mode("AMS_NO_PAGING_DEVICE", d.name,
                          f"{d.name}'s shared memory pool has no free paging device of at least "
                          f"{fmt_bytes(p.memory)} for {p.name}.")]
    was_redundant = any(x.redundant for x in pool_devices(c.inv, c.src.name) if x.partition == p.name)
    if c.redundant_paging == 2 and was_redundant and not found.redundant:
        return [warning("AMS_NO_REDUNDANT_PAGING", d.name,
                        f"{p.name} will page through {found.vios[0]} only on {d.name}: no free "
                        "paging device of its size is reachable through two paging VIOS.")]
    return []


IO_CHECKS = (check_vios, check_vlans, check_storage, check_shared_memory)
