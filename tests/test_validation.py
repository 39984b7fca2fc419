"""One failing inventory per HMC check: the finding's code, severity and the object it names."""

from __future__ import annotations

import pytest

from inventory_fixture import LUNS, base, find, make, with_ams
from lpmsim.inventory import MappingOverride, MigrationOptions
from lpmsim.inventory.changes import prepare
from lpmsim.validation import check_migration, recommended_mappings, validate, would_migrate


def _p(d):
    return find(d, "partitions", "db01")


def _set(table, name, **values):
    def mutate(d):
        find(d, table, name).update(values)
    return mutate


def _each_vios(system, **values):
    def mutate(d):
        for v in d["vios"]:
            if v["system"] == system:
                v.update(values)
    return mutate


def _inactive(d):
    _p(d)["state"] = "not activated"


def _device(**values):
    def mutate(d):
        _p(d)["virtual_scsi_adapters"][0]["devices"][0].update(values)
    return mutate


def _vfc(**values):
    def mutate(d):
        _p(d)["virtual_fc_adapters"][0].update(values)
    return mutate


def _add_partition(**values):
    def mutate(d):
        d["partitions"].append({"memory": "8 GiB", **values})
    return mutate


def _drop_vios(name):
    def mutate(d):
        d["vios"] = [v for v in d["vios"] if v["name"] != name]
    return mutate


def _both(*mutations):
    def mutate(d):
        for m in mutations:
            m(d)
    return mutate


def _ams(*mutations):
    return _both(with_ams, *mutations)


def _pg_b(**values):
    def mutate(d):
        for v in d["vios"]:
            if v["system"] == "frameB":
                v["paging_devices"][0].update(values)
    return mutate


def _none(d):
    pass


SCSI5, SCSI6, FC7, FC8 = "db01/vscsi slot 5", "db01/vscsi slot 6", "db01/vfc slot 7", "db01/vfc slot 8"

# (case id, change to the inventory, validate() keywords, code, object, severity)
CASES = [
    ("not found", _none, {"partition": "nope"}, "PARTITION_NOT_FOUND", "nope", "error"),
    ("no such system", _none, {"destination": "frameZ"}, "SYSTEM_NOT_FOUND", "frameZ", "error"),
    ("same system", _none, {"destination": "frameA"}, "SAME_SYSTEM", "frameA", "error"),
    ("active but off", _inactive, {}, "PARTITION_NOT_RUNNING", "db01", "error"),
    ("inactive but on", _none, {"mode": "inactive"}, "PARTITION_RUNNING", "db01", "error"),
    ("disabled", _set("partitions", "db01", migration_disabled=True), {},
     "MIGRATION_DISABLED", "db01", "error"),
    ("partition RMC", _set("partitions", "db01", rmc=False), {}, "RMC_PARTITION", "db01", "error"),
    ("huge pages", _set("partitions", "db01", huge_pages=2), {}, "HUGE_PAGES", "db01", "error"),
    ("huge pages inactive", _both(_inactive, _set("partitions", "db01", huge_pages=2)),
     {"mode": "inactive"}, "HUGE_PAGES", "db01", "warning"),
    ("physical I/O", _set("partitions", "db01", io_slots=["U78D3.001.WZS0AB1-P1-C7"]), {},
     "PHYSICAL_IO", "db01", "error"),
    ("physical I/O inactive", _both(_inactive, _set("partitions", "db01", io_slots=["P1-C7"])),
     {"mode": "inactive"}, "PHYSICAL_IO", "db01", "warning"),
    ("current compat mode", _set("partitions", "db01", proc_compat_mode="POWER11"), {},
     "PROC_COMPAT_MODE", "db01", "error"),
    ("preferred compat mode", _set("partitions", "db01", preferred_proc_compat_mode="POWER11"), {},
     "PROC_COMPAT_MODE", "db01", "error"),
    ("not mobility capable", _set("systems", "frameB", mobility_capable=False), {},
     "NOT_MOBILITY_CAPABLE", "frameB", "error"),
    ("firmware", _set("systems", "frameB", firmware_compatible=["FW1060", "FW1070"]), {},
     "FIRMWARE_INCOMPATIBLE", "frameB", "error"),
    ("DPO", _set("systems", "frameB", dpo_running=True), {}, "DPO_RUNNING", "frameB", "error"),
    ("remote HMC", _both(_set("systems", "frameA", hmc="hmc1"), _set("systems", "frameB", hmc="hmc2")),
     {}, "HMC_NOT_CONNECTED", "hmc2", "error"),
    ("LMB", _set("systems", "frameB", lmb_size="128 MiB"), {}, "LMB_SIZE_MISMATCH", "frameB", "error"),
    ("memory", _add_partition(name="big", system="frameB", memory="420 GiB"), {},
     "DEST_MEMORY", "frameB", "error"),
    ("memory inactive", _both(_inactive, _set("systems", "frameB", memory="64 GiB")),
     {"mode": "inactive"}, "DEST_MEMORY", "frameB", "warning"),
    ("processors", _add_partition(name="cpu", system="frameB", processors=29.5), {},
     "DEST_PROCESSORS", "frameB", "error"),
    ("active migrations", _set("systems", "frameB", max_active_migrations=4),
     {"concurrent_active": 4}, "TOO_MANY_MIGRATIONS", "frameB", "error"),
    ("inactive migrations", _both(_inactive, _set("systems", "frameA", max_inactive_migrations=2)),
     {"mode": "inactive", "concurrent_inactive": 2}, "TOO_MANY_MIGRATIONS", "frameA", "error"),
    ("name", _add_partition(name="db01", system="frameB"), {}, "NAME_CONFLICT", "frameB/db01", "error"),
    ("requested ID", _none, {"dest_id": 2}, "ID_CONFLICT", "frameB/id 2", "error"),
    ("own ID taken", _add_partition(name="app", system="frameB", id=5), {},
     "ID_CONFLICT", "frameB/id 5", "warning"),
    ("VIOS RMC", _set("vios", "vios2a", rmc=False), {}, "RMC_VIOS", "vios2a", "error"),
    ("VIOS RMC inactive", _both(_inactive, _set("vios", "vios1a", rmc=False)), {"mode": "inactive"},
     "RMC_VIOS", "vios1a", "error"),
    ("adapter VIOS unknown", _vfc(vios="vios9a"), {}, "ADAPTER_VIOS_UNKNOWN", "vios9a", "error"),
    ("no MSP", _each_vios("frameB", msp=False), {}, "NO_MSP", "frameB", "error"),
    ("no MSP RMC", _each_vios("frameA", rmc=False), {}, "NO_MSP", "frameA", "error"),
    ("VLAN", lambda d: _p(d)["virtual_eth_adapters"][0].update(vlans=[10, 30]), {},
     "VLAN_NOT_BRIDGED", "db01/veth slot 2", "error"),
    ("VLAN if possible", lambda d: _p(d)["virtual_eth_adapters"][0].update(pvid=99), {"vlan_bridge": 2},
     "VLAN_NOT_BRIDGED", "db01/veth slot 2", "warning"),
    ("VLAN other vswitch", lambda d: _p(d)["virtual_eth_adapters"][0].update(vswitch="ETHERNET1"), {},
     "VLAN_NOT_BRIDGED", "db01/veth slot 2", "error"),
    ("logical volume", _device(kind="lv"), {}, "VSCSI_BACKING_NOT_SAN", SCSI5, "error"),
    ("reserve policy", _device(reserve_policy="single_path"), {}, "RESERVE_POLICY", SCSI5, "error"),
    ("LUN not visible", _each_vios("frameB", storage=LUNS[1:]), {},
     "VSCSI_DEVICE_NOT_VISIBLE", SCSI5, "error"),
    ("vSCSI not hostable", _both(_set("vios", "vios1b", rmc=False), _set("vios", "vios2b", storage=LUNS[1:])),
     {}, "VSCSI_NOT_HOSTABLE", SCSI6, "error"),
    ("NPIV zoning", _vfc(inactive_storage=[LUNS[2]]), {}, "NPIV_ZONING", FC7, "error"),
    ("no fabric B", _each_vios("frameB", fc_ports=[{"name": "fcs0", "fabric": "A"}]), {},
     "VFC_NOT_HOSTABLE", FC8, "error"),
    ("no NPIV", _each_vios("frameB", fc_ports=[{"name": "fcs0", "fabric": "A", "npiv": False},
                                               {"name": "fcs1", "fabric": "B"}]), {},
     "VFC_NOT_HOSTABLE", FC7, "error"),
    ("unknown port", _vfc(port="fcs9"), {}, "VFC_PORT_UNKNOWN", FC7, "error"),
    ("slots", _each_vios("frameB", max_virtual_slots=10, slots_in_use=list(range(2, 10))), {},
     "NO_FREE_SLOTS", "vios2b", "error"),
    ("one destination VIOS", _drop_vios("vios2b"), {}, "MPIO_NOT_PRESERVED", f"{SCSI5}, {SCSI6}", "warning"),
    ("MPIO required", _drop_vios("vios1b"), {"mpio": 1}, "MPIO_NOT_PRESERVED", f"{FC7}, {FC8}", "error"),
    ("VTD name", _set("vios", "vios1b", vtds=["db01_rootvg"]), {}, "VTD_NAME_NOT_PRESERVED", SCSI5, "warning"),
    ("AMS pool", _ams(_set("systems", "frameB", shared_memory_pool=0)), {}, "AMS_NO_POOL", "frameB", "error"),
    ("AMS device", _ams(_pg_b(partition="other")), {}, "AMS_NO_PAGING_DEVICE", "frameB", "error"),
    ("AMS small", _ams(_pg_b(size="32 GiB")), {}, "AMS_NO_PAGING_DEVICE", "frameB", "error"),
    ("AMS inactive", _ams(_inactive, _pg_b(size="32 GiB")), {"mode": "inactive"},
     "AMS_NO_PAGING_DEVICE", "frameB", "warning"),
    ("AMS redundancy required", _ams(lambda d: find(d, "vios", "vios2b").update(paging_devices=[])),
     {"redundant_paging": 1}, "AMS_NO_REDUNDANT_PAGING", "frameB", "error"),
    ("AMS redundancy if possible", _ams(lambda d: find(d, "vios", "vios2b").update(paging_devices=[])),
     {}, "AMS_NO_REDUNDANT_PAGING", "frameB", "warning"),
    ("mapping unknown adapter", _none, {"mappings": [MappingOverride(adapter=99, vios="vios1b")]},
     "MAPPING_UNKNOWN_ADAPTER", "db01/slot 99", "error"),
    ("mapping to source VIOS", _none, {"mappings": [MappingOverride(adapter=5, vios="vios1a")]},
     "MAPPING_NOT_POSSIBLE", SCSI5, "error"),
    ("mapping blind VIOS", _set("vios", "vios2b", storage=LUNS[1:]),
     {"mappings": [MappingOverride(adapter=5, vios="vios2b")]}, "MAPPING_NOT_POSSIBLE", SCSI5, "error"),
    ("mapping slot", _none, {"mappings": [MappingOverride(adapter=6, vios="vios2b", slot=3)]},
     "MAPPING_SLOT_IN_USE", SCSI6, "error"),
    ("mapping port", _none, {"mappings": [MappingOverride(adapter=7, vios="vios1b", port="fcs1")]},
     "MAPPING_PORT_INVALID", FC7, "error"),
    ("mapping twice", _none, {"mappings": [MappingOverride(adapter=7, vios="vios1b"),
                                           MappingOverride(adapter=7, vios="vios2b")]},
     "MAPPING_DUPLICATE", FC7, "error"),
]


@pytest.mark.parametrize("mutate, kwargs, code, obj, severity",
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_check_names_its_object(mutate, kwargs, code, obj, severity):
    d = base()
    mutate(d)
    args = {"partition": "db01", "destination": "frameB", "mode": "active", **kwargs}
    findings = validate(make(d), args.pop("partition"), args.pop("destination"), args.pop("mode"),
                        **args)
    hits = [f for f in findings if f.code == code]
    assert hits, findings
    assert obj in [f.object for f in hits]
    assert {f.severity for f in hits} == {severity}
    assert would_migrate(findings) == (severity == "warning" and all(
        f.severity == "warning" for f in findings))
    assert all(f.message.endswith(".") for f in findings)


@pytest.mark.parametrize("mode", ["active", "inactive"])
def test_clean_inventory_has_no_findings(mode):
    d = base()
    if mode == "inactive":
        _inactive(d)
    assert validate(make(d), "db01", "frameB", mode) == []
    assert validate(make(with_ams(d)), "db01", "frameB", mode) == []


def test_minimal_scenario_validates_clean():
    inv = make({"systems": [{"name": "a", "memory": "64 GiB"}, {"name": "b", "memory": "64 GiB"}],
                "vios": [{"name": "va", "system": "a", "links": ["l"]},
                         {"name": "vb", "system": "b", "links": ["l"]}],
                "links": [{"name": "l", "bandwidth": "10 Gbps"}],
                "partitions": [{"name": "p", "system": "a", "memory": "8 GiB",
                                "workload": {"kind": "uniform", "rate": "1000 pages/s"}}]})
    v = check_migration(inv, "p", "b", "active")
    assert v.findings == () and v.mappings == () and v.would_migrate


def test_inactive_skips_active_only_checks():
    d = base()
    _inactive(d)
    _each_vios("frameB", msp=False)(d)
    _set("partitions", "db01", rmc=False, proc_compat_mode="POWER11")(d)
    assert validate(make(d), "db01", "frameB", "inactive") == []


def test_remote_hmc_with_keys_is_fine():
    d = base()
    _set("systems", "frameA", hmc="hmc1", remote_hmcs=["hmc2"])(d)
    _set("systems", "frameB", hmc="hmc2")(d)
    assert validate(make(d), "db01", "frameB") == []


def test_all_findings_reported_together():
    d = base()
    _set("systems", "frameB", lmb_size="128 MiB", dpo_running=True)(d)
    _set("partitions", "db01", huge_pages=1, migration_disabled=True)(d)
    codes = {f.code for f in validate(make(d), "db01", "frameB")}
    assert {"LMB_SIZE_MISMATCH", "DPO_RUNNING", "HUGE_PAGES", "MIGRATION_DISABLED"} <= codes


def test_in_progress_migration_is_refused():
    inv = make()
    shelled = prepare(inv, "db01", "frameB", recommended_mappings(inv, "db01", "frameB"))
    codes = [f.code for f in validate(shelled, "db01", "frameB")]
    assert codes == ["MIGRATION_IN_PROGRESS"]


def test_migration_options_feed_validate():
    opts = MigrationOptions.model_validate({"mappings": [{"adapter": 5, "vios": "vios2b", "slot": 40}],
                                            "mpio": 1})
    v = check_migration(make(), "db01", "frameB", "active", **opts.kwargs())
    by_slot = {m.slot: m for m in v.mappings}
    assert (by_slot[5].vios, by_slot[5].vios_slot, by_slot[5].user) == ("vios2b", 40, True)
    assert by_slot[6].vios == "vios1b"          # multipath kept around the user's choice
    assert v.would_migrate


def test_bad_option_raises():
    with pytest.raises(ValueError, match='"mode"'):
        validate(make(), "db01", "frameB", "live")


def test_validate_at_the_systems_maximum_of_concurrent_migrations():
    """`lpmsim validate --running N`: with N migrations of the kind already in progress on
    each system, the (N+1)-th fails validation once N reaches the maximum (REST
    MaximumActiveMigrations, 16 by default), as `migrlpar -o v` would say."""
    from click.testing import CliRunner

    from pathlib import Path

    from lpmsim.cli import main
    run = CliRunner().invoke
    scenario = str(Path(__file__).parent.parent / "scenarios" / "single-active.toml")
    below = run(main, ["validate", scenario, "--running", "15"])
    at = run(main, ["validate", scenario, "--running", "16"])
    assert below.exit_code == 0 and "TOO_MANY_MIGRATIONS" not in below.output
    assert at.exit_code == 1 and "frameA already runs 16 active migration(s)" in at.output
