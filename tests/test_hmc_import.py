"""``lpmsim import hmc`` (issue 14 item 1): the shipped example dump imports, validates and
evacuates a frame; a broken dump names every problem with its file and line."""

from __future__ import annotations

import importlib.util
import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lpmsim import ScenarioError, load_scenario, scenario_from_dict, simulate
from lpmsim.cli import main
from lpmsim.hmc.dump import HmcImportError, import_dump, parse_lsmap, parse_npiv

DUMP = Path(__file__).parent.parent / "examples" / "hmc-dump"


def test_the_example_dump_is_what_its_script_writes():
    spec = importlib.util.spec_from_file_location("make_dump", DUMP / "make_dump.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for path, lines in mod.files().items():
        assert (DUMP / path).read_text() == "\n".join(lines) + "\n", path


def test_import_validate_and_evacuate_a_frame(tmp_path):
    out = tmp_path / "frames.toml"
    r = CliRunner().invoke(main, ["import", "hmc", str(DUMP), "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert "# - workload: every partition idle" in text and "kept aside" in text
    sc = load_scenario(out)
    assert {s.name for s in sc.systems} == {"p10-a", "p10-b"}
    assert len(sc.partitions) == 12 and len(sc.vios) == 4
    db = next(p for p in sc.partitions if p.name == "erpdb01")
    assert db.memory == 128 * 2**30 and db.processors == 8.0 and db.id == 4
    assert [a.vios for a in db.virtual_scsi_adapters] == ["p10-a-vios1", "p10-a-vios2"]
    assert len(db.virtual_fc_adapters) == 2 and db.virtual_eth_adapters[0].pvid == 100
    batch = next(p for p in sc.partitions if p.name == "batch01")
    assert batch.state == "not activated" and batch.memory == 32 * 2**30  # from its profile
    v = next(v for v in sc.vios if v.name == "p10-a-vios1")
    assert v.concurrency_lvl == 3 and v.cfg_msp_lpm_ops == 8 and v.seas[0].vlans == (1, 100, 200)
    assert v.entitlement == 1.0  # a capped shared VIOS: its processing units bound its threads
    assert v.version == "4.1.0.10" and sc.hmc.version == "V10R3M1050"  # os_version, lshmc -V
    raw = tomllib.loads(text) | {"evacuations": [{"source": "p10-a", "destination": "p10-b"}]}
    res = simulate(scenario_from_dict(raw)).migrations.set_index("migration")
    assert len(res) == 6
    assert res.loc["nfs01", "outcome"] == "validation_failed"
    assert "PHYSICAL_IO" in res.loc["nfs01", "reason"]     # its own FC adapter blocks LPM
    assert (res.drop(index="nfs01").outcome == "completed").all()
    assert res.loc["batch01", "mode"] == "inactive"


def test_a_broken_dump_names_every_problem(tmp_path):
    bad = tmp_path / "dump"
    shutil.copytree(DUMP, bad, ignore=shutil.ignore_patterns("*.py"))
    lpar = bad / "p10-a" / "lssyscfg-r-lpar.txt"
    lines = lpar.read_text().splitlines()
    lines[2] = lines[2].replace("lpar_env=aixlinux,", "")       # a required attribute missing
    lines[3] = lines[3] + ',"broken=1'                           # a quote never closed
    lpar.write_text("\n".join(lines) + "\n")
    (bad / "p10-b" / "lshwres-r-mem-level-sys.txt").unlink()     # a required file missing
    with pytest.raises(HmcImportError) as info:
        import_dump(bad)
    text = str(info.value)
    assert "p10-a/lssyscfg-r-lpar.txt:3: required attribute(s) lpar_env missing" in text
    assert "p10-a/lssyscfg-r-lpar.txt:4: a double quote is not closed" in text
    assert "p10-b/lshwres-r-mem-level-sys.txt: missing" in text
    r = CliRunner().invoke(main, ["import", "hmc", str(bad), "-o", str(tmp_path / "x.toml")])
    assert r.exit_code == 2 and "3 problem(s)" in r.output and not (tmp_path / "x.toml").exists()
    r = CliRunner().invoke(main, ["import", "hmc", str(tmp_path / "none"), "-o", str(tmp_path / "x.toml")])
    assert r.exit_code == 2 and "no such folder" in r.output


def test_vios_tables():
    scsi = parse_lsmap((DUMP / "p10-a" / "vios1" / "lsmap-all.txt").read_text())
    assert scsi[14][0]["name"] == "hdisk2" and scsi[14][0]["vtd"] == "vt_erpdb01_rootvg"
    npiv = parse_npiv((DUMP / "p10-a" / "vios2" / "lsmap-all-npiv.txt").read_text())
    assert npiv[24] == "fcs1"


_FILES = sorted(p.relative_to(DUMP) for p in DUMP.rglob("*.txt"))
_JUNK = ['"', ",", "=", "", "none", "1e400", "-5", "x" * 40, "\x00", "٣", "inf", ",,", '"a,b"']


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(st.sampled_from(_FILES), st.integers(0, 40), st.integers(0, 400),
                          st.sampled_from(_JUNK), st.booleans()), min_size=1, max_size=3))
def test_a_mutated_dump_is_imported_or_named(edits):
    """Issue 15 for the new entry point: a damaged dump is an HmcImportError, never a crash."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "dump"
        shutil.copytree(DUMP, dump, ignore=shutil.ignore_patterns("*.py"))
        for rel, line, pos, junk, cut in edits:
            path = dump / rel
            lines = path.read_text().splitlines() or [""]
            i = line % len(lines)
            text = lines[i]
            lines[i] = text[:pos % (len(text) + 1)] + ("" if cut else junk + text[pos % (len(text) + 1):])
            path.write_text("\n".join(lines) + "\n")
        try:
            raw, _ = import_dump(dump)
        except HmcImportError as exc:
            assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
            return
        try:
            scenario_from_dict(raw)
        except ScenarioError as exc:
            assert exc.problems


def test_lshmc_version_reads_as_vrm():
    from lpmsim.hmc.dump import parse_lshmc_version
    text = '"version= Version: 9\n Release: 2\n Service Pack: 950\nHMC Build level 1\n'
    assert parse_lshmc_version(text) == "V9R2M950"
    assert parse_lshmc_version("no version here") == ""
