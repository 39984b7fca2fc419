"""A small two-frame inventory, written as the plain data a scenario file gives.

frameA and frameB each have two VIOS (vios1x, vios2x; both MSPs) with an SEA bridging VLANs 1,
10 and 20, an NPIV port on fabric A (fcs0) and one on fabric B (fcs1), and see the same SAN LUNs.
db01 runs on frameA with multipath vSCSI (the same LUN through vios1a and vios2a), dual-fabric
vFC and one virtual Ethernet adapter. Tests change the dicts and build an Inventory from them.
"""

from __future__ import annotations

import copy

from lpmsim.inventory import Inventory

LUNS = ["600507680C800001", "600507680C800002", "600507680C800010", "600507680C800011"]


def _vios(name: str, system: str, vid: int) -> dict:
    return {
        "name": name, "system": system, "id": vid, "links": ["lan"],
        "storage": list(LUNS),
        "fc_ports": [{"name": "fcs0", "fabric": "A"}, {"name": "fcs1", "fabric": "B"}],
        "seas": [{"name": "ent10", "vlans": [1, 10, 20]}],
        "slots_in_use": [2, 3],
    }


def base() -> dict:
    """Fresh dicts for the whole inventory."""
    return copy.deepcopy({
        "systems": [
            {"name": "frameA", "memory": "512 GiB", "processors": 32, "reserved_memory": "32 GiB",
             "reserved_processors": 2, "firmware": "FW1050"},
            {"name": "frameB", "memory": "512 GiB", "processors": 32, "reserved_memory": "32 GiB",
             "reserved_processors": 2, "firmware": "FW1050"},
        ],
        "links": [{"name": "lan", "bandwidth": "10 Gbps"}],
        "vios": [_vios("vios1a", "frameA", 1), _vios("vios2a", "frameA", 2),
                 _vios("vios1b", "frameB", 1), _vios("vios2b", "frameB", 2)],
        "partitions": [{
            "name": "db01", "system": "frameA", "id": 5, "memory": "64 GiB", "processors": 2,
            "profiles": [
                {"name": "normal", "virtual_scsi_adapters": [
                    {"slot": 5, "vios": "vios1a", "vios_slot": 15,
                     "devices": [{"lun": LUNS[0], "vtd": "db01_rootvg"}]}]},
                {"name": "maintenance", "memory": "16 GiB"},
            ],
            "active_profile": "normal",
            "virtual_scsi_adapters": [
                {"slot": 5, "vios": "vios1a", "vios_slot": 15,
                 "devices": [{"lun": LUNS[0], "vtd": "db01_rootvg"}]},
                {"slot": 6, "vios": "vios2a", "vios_slot": 16,
                 "devices": [{"lun": LUNS[0], "vtd": "db01_rootvg"}]},
            ],
            "virtual_fc_adapters": [
                {"slot": 7, "vios": "vios1a", "vios_slot": 17, "port": "fcs0",
                 "wwpns": ["c050760a00000010", "c050760a00000011"], "storage": [LUNS[2], LUNS[3]]},
                {"slot": 8, "vios": "vios2a", "vios_slot": 18, "port": "fcs1",
                 "wwpns": ["c050760a00000020", "c050760a00000021"], "storage": [LUNS[2], LUNS[3]]},
            ],
            "virtual_eth_adapters": [{"slot": 2, "pvid": 1, "vlans": [10, 20],
                                      "mac": "8E:A1:2B:3C:4D:02"}],
        }],
    })


def make(d: dict | None = None) -> Inventory:
    return Inventory.model_validate(base() if d is None else d)


def find(d: dict, table: str, name: str) -> dict:
    return next(x for x in d[table] if x["name"] == name)


def with_ams(d: dict) -> dict:
    """db01 becomes a shared-memory partition, paged on frameA by pgA1, with pgB1 free on frameB;
    each device is seen by both paging VIOS of its frame."""
    for s in d["systems"]:
        s["shared_memory_pool"] = "128 GiB"
    for v in d["vios"]:
        frame = v["system"][-1].upper()
        user = "db01" if frame == "A" else ""
        v["paging_devices"] = [{"device": f"pg{frame}1", "size": "64 GiB", "partition": user},
                               {"device": f"pg{frame}2", "size": "8 GiB"}]
    find(d, "partitions", "db01")["mem_mode"] = "shared"
    return d
