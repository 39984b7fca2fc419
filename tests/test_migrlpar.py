"""``lpmsim migrlpar`` (issue 14 item 2): the HMC's syntax gives the same result as writing the
migration into the scenario; validate works on evacuations; the attribute format parses as
IBM's man pages write it."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from pandas.testing import assert_frame_equal

from lpmsim import scenario_from_dict, simulate
from lpmsim.cli import main
from lpmsim.hmc import FormatError, MigrlparError, Request, apply_request, parse_line

FLAGSHIP = Path("scenarios/flagship.toml")
RAW = tomllib.loads(FLAGSHIP.read_text())


def test_attribute_lines_as_the_man_pages_write_them():
    assert parse_line('name=lpar1,lpar_id=3,"lpar_names=a,b",state=Running') == {
        "name": "lpar1", "lpar_id": "3", "lpar_names": "a,b", "state": "Running"}
    assert parse_line('"description=say ""hi"", twice",x=') == {"description": 'say "hi", twice', "x": ""}
    for bad in ('a=1,"b=2', "a=1,b", "a=1,a=2"):
        with pytest.raises(FormatError):
            parse_line(bad)


def test_migrate_equals_the_migration_written_into_the_scenario():
    req = Request("m", "frameA", "frameB", partitions=["erp-app"], redundant_msps=0,
                  data="source_msp_name=viosA2,dest_msp_name=viosB2")
    via_cli = simulate(scenario_from_dict(apply_request(RAW, req)))
    by_hand = dict(RAW) | {"evacuations": [], "migrations": [
        {"partition": "erp-app", "destination": "frameB", "mode": "active",
         "source_msp": "viosA2", "dest_msp": "viosB2", "redundant_msps": 0}]}
    assert_frame_equal(via_cli.migrations, simulate(scenario_from_dict(by_hand)).migrations)
    assert via_cli.migrations.iloc[0].src_msp == "viosA2"


def test_all_is_an_evacuation_and_ids_pick_partitions():
    every = scenario_from_dict(apply_request(RAW, Request("m", "frameA", "frameB", all=True)))
    on_a = [p.name for p in every.partitions if p.system == "frameA"]
    assert sorted(m.partition for m in every.planned) == sorted(on_a)
    with_id = [p for p in RAW["partitions"] if p.get("id") and p["system"] == "frameA"]
    if with_id:
        one = apply_request(RAW, Request("m", "frameA", "frameB", ids=[with_id[0]["id"]]))
        assert [m["partition"] for m in one["migrations"]] == [with_id[0]["name"]]


def test_mappings_and_options_reach_the_migration():
    req = Request("v", "frameA", "frameB", partitions=["erp-db"], mpio=1, vlan_bridge=2,
                  data='"virtual_scsi_mappings=12/viosB1//16,13/viosB2",dest_lpar_id=9')
    m = apply_request(RAW, req)["migrations"][0]
    assert m["options"] == {"mappings": [{"adapter": 12, "vios": "viosB1", "slot": 16},
                                         {"adapter": 13, "vios": "viosB2"}],
                            "mpio": 1, "vlan_bridge": 2, "dest_id": 9}


def test_every_bad_argument_at_once():
    req = Request("x", "frameA", "nowhere", partitions=["ghost"], redundant_msps=5,
                  data="bogus=1")
    with pytest.raises(MigrlparError) as info:
        apply_request(RAW, req)
    text = str(info.value)
    for words in ("-o: 'x'", "-t: no managed system named 'nowhere'", "-p: no partition named 'ghost'",
                  "--redundantmsps: 5", "unknown attribute 'bogus'"):
        assert words in text


def test_cli_validate_and_migrate(tmp_path):
    r = CliRunner().invoke(main, ["migrlpar", str(FLAGSHIP), "-o", "v", "-m", "frameA", "-t",
                                  "frameB", "-p", "erp-app"])
    assert r.exit_code == 0 and "would migrate" in r.output
    r = CliRunner().invoke(main, ["migrlpar", str(FLAGSHIP), "-o", "m", "-m", "frameA", "-t",
                                  "frameB", "-p", "web01", "--json", "--no-plot", "--out",
                                  str(tmp_path / "r")])
    assert r.exit_code == 0, r.output
    assert [m["migration"] for m in json.loads(r.output[:r.output.rindex("]") + 1])] == ["web01"]
    r = CliRunner().invoke(main, ["migrlpar", str(FLAGSHIP), "-o", "m", "-m", "frameA", "-t",
                                  "frameB", "-p", "ghost", "-i", "a=1"])
    assert r.exit_code == 2 and "no partition named 'ghost'" in r.output
    assert "unknown attribute 'a'" in r.output and not isinstance(r.exception, KeyError)


def test_validate_covers_an_evacuation():
    r = CliRunner().invoke(main, ["validate", "scenarios/evacuation.toml"])
    assert r.exit_code == 0, r.output
    assert "64 migration(s) validated" in r.output
