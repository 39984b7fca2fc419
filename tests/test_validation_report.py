"""The text `lpmsim validate` prints."""

from __future__ import annotations

from inventory_fixture import base, find, make
from lpmsim.inventory import AdapterMapping
from lpmsim.validation import check_migration
from lpmsim.validation.report import (
    format_findings, format_mappings, format_validation, migrlpar_mappings,
)


def test_findings_errors_first_with_verdict():
    d = base()
    find(d, "systems", "frameB")["lmb_size"] = "128 MiB"
    find(d, "vios", "vios1b")["vtds"] = ["db01_rootvg"]
    text = format_findings(reversed(check_migration(make(d), "db01", "frameB").findings))
    lines = text.splitlines()
    assert lines[0] == "1 error, 1 warning: the partition would not migrate."
    assert lines[1].split() == ["ERROR", "LMB_SIZE_MISMATCH", "frameB"]
    assert any(line.split()[:2] == ["WARNING", "VTD_NAME_NOT_PRESERVED"] for line in lines)
    assert format_findings([]) == "No errors, no warnings: the partition would migrate."


def test_mappings_table_and_migrlpar_string():
    v = check_migration(make(), "db01", "frameB")
    text = format_mappings(v.mappings)
    assert "vscsi     5  vios1a/15" in text and "vios1b/17 fcs0, vios2b/17 fcs0" in text
    assert migrlpar_mappings(v.mappings) == (
        '"virtual_scsi_mappings=5/vios1b//15,6/vios2b//16",'
        '"virtual_fc_mappings=7/vios1b//17/fcs0,8/vios2b//18/fcs1"')
    assert format_validation(v).startswith("Validation of the active migration of db01 to frameB")


def test_unhosted_adapter_and_no_adapters():
    m = AdapterMapping("vscsi", 5, "vios1a", 15, None, None)
    assert "(none)" in format_mappings([m]) and migrlpar_mappings([m]) == ""
    assert "no virtual SCSI" in format_mappings([])
