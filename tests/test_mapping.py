"""Recommended adapter mappings: the fixture's mirror mapping, and properties over random VIOS."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory_fixture import LUNS, base, find, make
from lpmsim.inventory import Inventory, MappingOverride
from lpmsim.validation import recommend, recommended_mappings


def test_fixture_maps_each_source_vios_to_its_counterpart():
    maps = {m.slot: m for m in recommended_mappings(make(), "db01", "frameB")}
    assert [(m.vios, m.vios_slot, m.port) for m in maps.values()] == [
        ("vios1b", 15, ""), ("vios2b", 16, ""), ("vios1b", 17, "fcs0"), ("vios2b", 18, "fcs1")]
    assert maps[5].vtds == ((LUNS[0], "db01_rootvg"),)
    assert {c.vios for c in maps[7].possible} == {"vios1b", "vios2b"}
    assert not any(m.user for m in maps.values())


def test_a_kept_slot_beats_the_counterpart_vios():
    d = base()
    find(d, "vios", "vios1b")["slots_in_use"] = [2, 3, 4, 15]
    maps = {m.slot: m for m in recommended_mappings(make(d), "db01", "frameB")}
    assert [(maps[s].vios, maps[s].vios_slot) for s in (5, 6)] == [("vios2b", 15), ("vios1b", 16)]


def test_taken_slot_moves_to_lowest_free_and_generated_names_are_not_kept():
    d = base()
    for name in ("vios1b", "vios2b"):
        find(d, "vios", name)["slots_in_use"] = [2, 3, 4, 15]
    find(d, "partitions", "db01")["virtual_scsi_adapters"][0]["devices"][0]["vtd"] = "vtscsi7"
    maps = {m.slot: m for m in recommended_mappings(make(d), "db01", "frameB")}
    assert (maps[5].vios, maps[5].vios_slot) == ("vios1b", 5)
    assert maps[5].vtds == ((LUNS[0], ""),)


def test_user_mapping_is_followed_and_multipath_kept_around_it():
    maps, findings = recommend(make(), "db01", "frameB",
                               [MappingOverride(adapter=7, vios="vios2b", slot=70, port="fcs0")])
    by = {m.slot: m for m in maps}
    assert (by[7].vios, by[7].vios_slot, by[7].port, by[7].user) == ("vios2b", 70, "fcs0", True)
    assert by[8].vios == "vios1b"
    assert findings == []


# -- properties ------------------------------------------------------------------------------

LUN = "600507680C8000AA"
SLOTS = st.integers(min_value=2, max_value=30)


@st.composite
def worlds(draw):
    """A source frame with k VIOS, each one path of a multipath vSCSI disk, and a destination
    with 1-4 VIOS that may or may not see the disk, have RMC, or free slots and names."""
    k = draw(st.integers(2, 3))
    n = draw(st.integers(1, 4))
    src_slots = draw(st.lists(SLOTS, min_size=k, max_size=k, unique=True))
    names = draw(st.lists(st.sampled_from(["rootvg_a", "rootvg_b", "data1", "vtscsi4", ""]),
                          min_size=k, max_size=k, unique=True))
    vios = [{"name": f"s{i}", "system": "A", "storage": [LUN]} for i in range(k)]
    for i in range(n):
        top = draw(st.integers(4, 32))
        vios.append({
            "name": f"d{i}", "system": "B",
            "rmc": draw(st.booleans()) or i == 0,
            "storage": [LUN] if draw(st.integers(0, 3)) else [],
            "max_virtual_slots": top,
            "slots_in_use": draw(st.lists(st.integers(2, top - 1), max_size=10)),
            "vtds": draw(st.lists(st.sampled_from(["rootvg_a", "rootvg_b", "data1"]), max_size=2)),
        })
    adapters = [{"slot": 10 + i, "vios": f"s{i}", "vios_slot": src_slots[i],
                 "devices": [{"lun": LUN, "vtd": names[i]}]} for i in range(k)]
    return Inventory.model_validate({
        "systems": [{"name": "A"}, {"name": "B"}],
        "vios": vios,
        "partitions": [{"name": "p", "system": "A", "memory": "4 GiB",
                        "virtual_scsi_adapters": adapters}],
    })


def _room(inv: Inventory, name: str) -> int:
    """Free slots of a destination VIOS that could host the disk (0 if it cannot)."""
    v = inv.one_vios(name)
    if not (v.rmc and LUN in v.storage):
        return 0
    return len(set(range(2, v.max_virtual_slots)) - inv.used_slots(name))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_multipath_never_collapses_when_two_vios_can_host(inv):
    room = {v.name: _room(inv, v.name) for v in inv.vios_of("B")}
    hosts = {name for name, n in room.items() if n}
    maps = recommended_mappings(inv, "p", "B")
    chosen = [m.vios for m in maps if m.vios is not None]
    assert set(chosen) <= hosts
    # an adapter is left out only when the hosts have no slot left for it
    assert len(chosen) == min(len(maps), sum(room.values()))
    if len(hosts) >= 2:
        assert len(set(chosen)) >= 2
    assert len(set(chosen)) == min(len(maps), len(hosts))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_slots_and_user_names_are_kept_when_free(inv):
    part = inv.partition("p")
    for m, a in zip(recommended_mappings(inv, "p", "B"), part.virtual_scsi_adapters):
        if m.vios is None:
            continue
        v = inv.one_vios(m.vios)
        if a.vios_slot < v.max_virtual_slots and a.vios_slot not in inv.used_slots(m.vios):
            assert m.vios_slot == a.vios_slot
        else:
            assert m.vios_slot not in inv.used_slots(m.vios)
        assert any(c.vios == m.vios for c in m.possible)
        (lun, name), = m.vtds
        old = a.devices[0].vtd
        if old and not old.startswith("vtscsi") and old not in inv.vtd_names(m.vios):
            assert name == old
        else:
            assert name == "" or name not in inv.vtd_names(m.vios)
        assert not name.startswith("vtscsi")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_no_two_adapters_share_a_destination_slot(inv):
    placed = [(m.vios, m.vios_slot) for m in recommended_mappings(inv, "p", "B") if m.vios]
    assert len(placed) == len(set(placed))


def test_large_multipath_group_spreads_greedily():
    """8 paths x 4 destination VIOS is past the exhaustive search: the greedy pass still
    uses every destination VIOS."""
    k = 8
    inv = Inventory.model_validate({
        "systems": [{"name": "A"}, {"name": "B"}],
        "vios": [{"name": f"s{i}", "system": "A", "storage": [LUN]} for i in range(k)]
        + [{"name": f"d{i}", "system": "B", "storage": [LUN]} for i in range(4)],
        "partitions": [{"name": "p", "system": "A", "memory": "4 GiB", "virtual_scsi_adapters": [
            {"slot": 10 + i, "vios": f"s{i}", "vios_slot": 20, "devices": [{"lun": LUN}]}
            for i in range(k)]}],
    })
    maps = recommended_mappings(inv, "p", "B")
    assert {m.vios for m in maps} == {"d0", "d1", "d2", "d3"}
    assert len({(m.vios, m.vios_slot) for m in maps}) == k
