"""The resources that block or change LPM (issue 14 item 4), each with its IBM rule (sources in
lpmsim.validation.checks.check_special_resources)."""

from __future__ import annotations

import pytest
from builders import lone

from lpmsim import scenario_from_dict
from lpmsim.inventory.models import GENERATION_MODES
from lpmsim.validation import check_migration


def codes(part: dict | None = None, systems: dict | None = None, mode: str = "active"):
    raw = lone()
    raw["partitions"][0].update(part or {})
    for s in raw["systems"]:
        s.update((systems or {}).get(s["name"], {}))
    v = check_migration(scenario_from_dict(raw).inventory, "p", "B", mode)
    return {f.code for f in v.errors}, {f.code for f in v.warnings}


@pytest.mark.parametrize("part, code", [
    ({"sriov_logical_ports": 2}, "SRIOV_LOGICAL_PORT"),
    ({"bsr_arrays": 1}, "BSR_ARRAYS"),
    ({"hea_ports": 1}, "HEA_PORT"),
    ({"virtual_serial_slots": [5]}, "VIRTUAL_SERIAL"),
    ({"vnic_adapters": 1}, "VNIC_BACKING_DEVICE"),
])
def test_blocks_active_not_inactive(part, code):
    errors, _ = codes(part)
    assert code in errors
    errors, _ = codes(part | {"state": "not activated"}, mode="inactive")
    assert code not in errors


def test_the_configurations_ibm_supports_pass():
    assert not codes({"hea_ports": 1, "hea_etherchannel_backup": True})[0] & {"HEA_PORT"}
    vnic = {"B": {"sriov_shared_ports": 2}}
    assert "VNIC_BACKING_DEVICE" not in codes({"migratable_sriov_ports": 1}, vnic)[0]
    assert "VNIC_BACKING_DEVICE" in codes({"migratable_sriov_ports": 1})[0]


def test_vtpm_needs_the_same_trusted_system_key():
    part = {"vtpm": True}
    assert "VTPM_KEY" not in codes(part, {"A": {"trusted_system_key": "k1"},
                                          "B": {"trusted_system_key": "k1"}})[0]
    assert "VTPM_KEY" in codes(part, {"A": {"trusted_system_key": "k1"},
                                      "B": {"trusted_system_key": "k2"}})[0]


def test_the_shared_processor_pool_must_exist_on_the_destination():
    assert "SHARED_PROC_POOL" in codes({"shared_proc_pool": "oracle"})[0]
    assert "SHARED_PROC_POOL" not in codes({"shared_proc_pool": "oracle"},
                                           {"B": {"shared_proc_pools": ["DefaultPool", "oracle"]}})[0]


@pytest.mark.parametrize("dest, mode, ok", [
    ("POWER9", "POWER8", True), ("POWER10", "POWER8", True), ("Power11", "POWER8", False),
    ("Power11", "POWER9_base", True), ("POWER8", "POWER9", False), ("POWER9", "POWER7", True),
])
def test_compatibility_modes_by_generation(dest, mode, ok):
    errors, _ = codes({"proc_compat_mode": mode}, {"B": {"processor": dest}})
    assert ("PROC_COMPAT_MODE" not in errors) == ok
    assert mode in GENERATION_MODES[dest] if ok else mode not in GENERATION_MODES[dest]
