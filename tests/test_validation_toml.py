"""The inventory keys of issue 3 as a scenario file writes them, through the scenario loader."""

from __future__ import annotations

import tomllib

from lpmsim.inventory import Inventory
from lpmsim.scenario import scenario_from_dict
from lpmsim.validation import check_migration

SCENARIO = """
[[links]]
name = "lan"
bandwidth = "10 Gbps"

[[systems]]
name = "frameA"
memory = "1 TiB"
processors = 48
reserved_memory = "48 GiB"
lmb_size = "256 MiB"
proc_compat_modes = ["default", "POWER8", "POWER9_base", "POWER9", "POWER10"]
firmware = "FW1050.10"
shared_memory_pool = "256 GiB"

[[systems]]
name = "frameB"
memory = "1 TiB"
processors = 48
reserved_memory = "48 GiB"
firmware = "FW1060.00"
firmware_compatible = ["FW1030.00", "FW1050.10", "FW1060.00"]
shared_memory_pool = "256 GiB"

[[vios]]
name = "vios1a"
system = "frameA"
id = 1
links = ["lan"]
storage = ["600507680C800001", "600507680C800002"]
fc_ports = [{ name = "fcs0", fabric = "A" }, { name = "fcs1", fabric = "B" }]
seas = [{ name = "ent10", vlans = [1, 100, 200] }]
paging_devices = [{ device = "hdisk20", size = "64 GiB", partition = "db01" }]

[[vios]]
name = "vios1b"
system = "frameB"
id = 1
links = ["lan"]
max_virtual_slots = 400
slots_in_use = [2, 3, 10, 11]
vtds = ["app7_rootvg"]
storage = ["600507680C800001", "600507680C800002"]
fc_ports = [{ name = "fcs0", fabric = "A" }, { name = "fcs1", fabric = "B" }]
seas = [{ name = "ent10", vlans = [1, 100, 200] }]
paging_devices = [{ device = "hdisk30", size = "64 GiB" }, { device = "hdisk31", size = "32 GiB" }]

[[partitions]]
name = "db01"
system = "frameA"
id = 5
memory = "64 GiB"
processors = 2
mem_mode = "shared"
proc_compat_mode = "POWER9"
preferred_proc_compat_mode = "default"
active_profile = "normal"
profiles = [{ name = "normal" }, { name = "maintenance", memory = "16 GiB" }]
workload = { kind = "uniform", rate = "2000 pages/s", working_set = "25%" }

[[partitions.virtual_scsi_adapters]]
slot = 5
vios = "vios1a"
vios_slot = 15
devices = [{ lun = "600507680C800001", vtd = "db01_rootvg" }]

[[partitions.virtual_fc_adapters]]
slot = 7
vios = "vios1a"
vios_slot = 17
port = "fcs0"
wwpns = ["c050760a1b2c0010", "c050760a1b2c0011"]
storage = ["600507680C800002"]

[[partitions.virtual_eth_adapters]]
slot = 2
pvid = 1
vlans = [100, 200]
mac = "8EA12B3C4D02"
"""


def test_scenario_file_keys_validate_and_reload():
    sc = scenario_from_dict(tomllib.loads(SCENARIO))
    v = check_migration(sc.inventory, "db01", "frameB", "active")
    assert v.findings == ()
    assert [(m.slot, m.vios, m.vios_slot, m.port) for m in v.mappings] == [
        (5, "vios1b", 15, ""), (7, "vios1b", 17, "fcs0")]
    again = scenario_from_dict(sc.to_dict())
    assert again.inventory == sc.inventory


def test_inventory_dump_reloads_exactly():
    inv = scenario_from_dict(tomllib.loads(SCENARIO)).inventory
    assert Inventory.model_validate(inv.model_dump(mode="json")) == inv
