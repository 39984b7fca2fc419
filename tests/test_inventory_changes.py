"""Inventory changes of a migration: prepare, profiles, complete, activate, abort, round trips."""

from __future__ import annotations

import pytest

from inventory_fixture import LUNS, base, find, make, with_ams
from lpmsim.inventory import Inventory
from lpmsim.inventory.changes import (
    abort, activate, complete, destination_id, prepare, transfer_profiles,
)
from lpmsim.inventory.paging import pool_devices
from lpmsim.validation import recommended_mappings, validate

GiB = 2**30


def migrate(inv: Inventory, partition: str, destination: str) -> Inventory:
    """Validate, then steps 5, 6 and 9."""
    mode = "active" if inv.partition(partition).state == "running" else "inactive"
    assert [f for f in validate(inv, partition, destination, mode) if f.severity == "error"] == []
    maps = recommended_mappings(inv, partition, destination)
    inv = prepare(inv, partition, destination, maps)
    inv = transfer_profiles(inv, partition)
    return complete(inv, partition)


def _inactive() -> dict:
    d = base()
    find(d, "partitions", "db01")["state"] = "not activated"
    return d


def test_prepare_builds_the_shell_and_leaves_the_source_alone():
    inv = make()
    out = prepare(inv, "db01", "frameB", recommended_mappings(inv, "db01", "frameB"))
    assert out.partitions == inv.partitions and out.vios == inv.vios
    shell = out.shell("db01")
    assert (shell.system, shell.id, shell.profiles) == ("frameB", 5, ())
    assert [(a.kind, a.slot, a.client_slot) for a in out.server_adapters("vios1b")] == [
        ("vscsi", 15, 5), ("vfc", 17, 7)]
    assert out.server_adapters("vios1a") == inv.server_adapters("vios1a")
    assert out.free_memory("frameB") == inv.free_memory("frameB") - 64 * GiB
    assert out.free_processors("frameB") == inv.free_processors("frameB") - 2


def test_inactive_shell_holds_no_memory_or_processors():
    inv = make(_inactive())
    out = prepare(inv, "db01", "frameB", recommended_mappings(inv, "db01", "frameB"))
    assert out.free_memory("frameB") == inv.free_memory("frameB")
    assert out.free_processors("frameB") == inv.free_processors("frameB")


def test_prepare_refuses_an_unmapped_adapter_and_a_second_shell():
    inv = make()
    maps = recommended_mappings(inv, "db01", "frameB")
    with pytest.raises(ValueError, match="slot 8"):
        prepare(inv, "db01", "frameB", maps[:-1])
    once = prepare(inv, "db01", "frameB", maps)
    with pytest.raises(ValueError, match="already"):
        prepare(once, "db01", "frameB", maps)


def test_profiles_move_and_only_the_active_one_is_rewritten():
    inv = make()
    inv = prepare(inv, "db01", "frameB", recommended_mappings(inv, "db01", "frameB"))
    shell = transfer_profiles(inv, "db01").shell("db01")
    normal, maintenance = shell.profiles
    (a,) = normal.virtual_scsi_adapters
    assert (a.slot, a.vios, a.vios_slot, a.devices[0].vtd) == (5, "vios1b", 15, "db01_rootvg")
    assert maintenance == inv.partition("db01").profiles[1]


def test_complete_moves_the_partition_and_reclaims_the_source():
    inv = make()
    out = migrate(inv, "db01", "frameB")
    p = out.partition("db01")
    assert (p.system, p.state, out.shells) == ("frameB", "running", ())
    assert out.server_adapters("vios1a") == out.server_adapters("vios2a") == ()
    assert out.free_memory("frameA") == inv.free_memory("frameA") + 64 * GiB
    assert out.free_memory("frameB") == inv.free_memory("frameB") - 64 * GiB
    fc = p.virtual_fc_adapters[0]
    assert fc.wwpns == ("c050760a00000011", "c050760a00000010")    # the inactive WWPN now active
    assert [(a.vios, a.vios_slot) for a in p.virtual_scsi_adapters] == [("vios1b", 15), ("vios2b", 16)]
    assert p.profiles[0].virtual_scsi_adapters[0].vios == "vios1b"


def test_shared_memory_paging_device_released_on_source_taken_on_destination():
    inv = make(with_ams(base()))
    assert {d.device: d.partition for d in pool_devices(inv, "frameA")} == {"pgA1": "db01", "pgA2": ""}
    prepared = prepare(inv, "db01", "frameB", recommended_mappings(inv, "db01", "frameB"))
    assert {d.device: d.partition for d in pool_devices(prepared, "frameB")}["pgB1"] == "db01"
    out = complete(prepared, "db01")
    assert all(d.partition == "" for d in pool_devices(out, "frameA"))
    assert {d.device: d.partition for d in pool_devices(out, "frameB")}["pgB1"] == "db01"


def test_inactive_stays_unassigned_until_activated():
    inv = make(_inactive())
    out = migrate(inv, "db01", "frameB")
    p = out.partition("db01")
    assert (p.system, p.state) == ("frameB", "not activated")
    assert out.free_memory("frameB") == inv.free_memory("frameB")
    running = activate(out, "db01")
    assert running.partition("db01").state == "running"
    assert running.free_memory("frameB") == inv.free_memory("frameB") - 64 * GiB
    assert running.free_processors("frameB") == inv.free_processors("frameB") - 2
    with pytest.raises(ValueError, match="already running"):
        activate(running, "db01")


def test_activate_needs_room():
    d = _inactive()
    find(d, "systems", "frameB")["memory"] = "64 GiB"
    inv = make(d)
    maps = recommended_mappings(inv, "db01", "frameB")
    out = complete(prepare(inv, "db01", "frameB", maps), "db01")
    with pytest.raises(ValueError, match="free memory"):
        activate(out, "db01")


def test_inactive_migration_drops_dedicated_io():
    d = _inactive()
    find(d, "partitions", "db01")["io_slots"] = ["U78D3.001.WZS0AB1-P1-C7"]
    out = migrate(make(d), "db01", "frameB")
    assert out.partition("db01").io_slots == ()


@pytest.mark.parametrize("data", [base, _inactive, lambda: with_ams(base())],
                         ids=["active", "inactive", "shared memory"])
def test_round_trip_gives_back_the_original(data):
    inv = make(data())
    there = migrate(inv, "db01", "frameB")
    assert there != inv
    assert migrate(there, "db01", "frameA") == inv


def test_round_trip_after_a_taken_slot_on_the_way_back_is_still_valid():
    d = base()
    find(d, "vios", "vios1b")["slots_in_use"] = [2, 3, 15]
    inv = make(d)
    back = migrate(migrate(inv, "db01", "frameB"), "db01", "frameA")
    assert back.partition("db01").system == "frameA"
    assert validate(back, "db01", "frameB") == []


@pytest.mark.parametrize("data", [base, _inactive, lambda: with_ams(base())],
                         ids=["active", "inactive", "shared memory"])
def test_abort_changes_nothing(data):
    inv = make(data())
    maps = recommended_mappings(inv, "db01", "frameB")
    prepared = prepare(inv, "db01", "frameB", maps)
    assert abort(prepared, "db01") == inv
    assert abort(transfer_profiles(prepared, "db01"), "db01") == inv
    assert abort(inv, "db01") == inv


def test_destination_id():
    d = base()
    d["partitions"].append({"name": "app", "system": "frameB", "id": 5, "memory": "8 GiB"})
    inv = make(d)
    assert destination_id(inv, "db01", "frameB") == 3         # 1, 2: VIOS; 5: app
    assert destination_id(inv, "db01", "frameB", 9) == 9
    assert destination_id(make(), "db01", "frameB") == 5


def test_vtd_names_follow_the_lun():
    inv = make()
    out = migrate(inv, "db01", "frameB")
    assert out.vtd_names("vios1b") == {"db01_rootvg"}
    assert out.vtd_names("vios1a") == frozenset()
    assert out.partition("db01").virtual_scsi_adapters[0].devices[0].lun == LUNS[0]
