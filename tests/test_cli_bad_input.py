"""Bad flags and side files get one clear line and exit 2, never a traceback (issue 15, classes
3-5 and 8; the cases of shared/reliability/repro/CLI.md and more)."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from lpmsim import ScenarioError, scenario_from_dict
from lpmsim.cli import main

S = "scenarios/single-active.toml"
SMALL = ["--set", "partitions.db01.memory=2 GiB", "--set",
         "partitions.db01.workload.working_set=256 MiB", "--no-plot"]


def invoke(*args: str):
    r = CliRunner().invoke(main, list(args))
    assert not isinstance(r.exception, Exception) or isinstance(r.exception, SystemExit), \
        f"traceback for {args}: {r.exception!r}"
    return r


def bad(*args: str, words: str = ""):
    r = invoke(*args)
    assert r.exit_code == 2, (args, r.exit_code, r.output)
    assert words.lower() in r.output.lower(), (args, r.output)
    return r


@pytest.mark.parametrize("setting, words", [
    ("migrations.².start=1", "no migrations entry named '²'"),
    ("partitions.db01.memory=١٢٨ GiB", "is not a size"),   # Arabic-Indic digits are no number
    ("partitions.db01.memory=1e308 GiB", "not a finite number"),
    ("partitions.db01.memory=inf", "not a finite number"),
    ("partitions.db01.workload.rate=1e400 pages/s", "not a finite number"),
    ("hmc.validate=nan", "not a finite number"),
    ("migrations.db01.start=nan", "not a finite number"),
    ("horizon=0", "greater than 0"),
    ("links.lpm-10g.bandwidth=nan", "not a finite number"),
    ("mover.tcp_window=0", "greater than 0"),
    (".=1", "empty key"),
    ("...=1", "empty key"),
])
def test_set_values_that_cannot_be_right(setting, words):
    bad("run", S, "--set", setting, words=words)


def test_inputs_that_are_no_file_or_too_large():
    bad("run", "/dev/zero", words="larger than 64 MiB")
    bad("run", "no/such/file.toml", words="no such file")


def test_outputs_that_cannot_be_written(tmp_path):
    (tmp_path / "file").write_text("x")
    bad("run", S, *SMALL, "--out", str(tmp_path / "file" / "x"), words="cannot write")
    bad("run", S, *SMALL, "--save-baseline", str(tmp_path / "file" / "b.json"), words="cannot write")
    if Path("/dev/full").exists():
        bad("run", S, *SMALL, "--save-baseline", "/dev/full", words="--force")


def test_a_baseline_is_replaced_only_with_force(tmp_path):
    target = tmp_path / "b.json"
    assert invoke("run", S, *SMALL, "--out", str(tmp_path / "r"), "--save-baseline",
                  str(target)).exit_code == 0
    before = target.read_text()
    bad("run", S, *SMALL, "--out", str(tmp_path / "r"), "--save-baseline", str(target),
        words="add --force")
    assert target.read_text() == before
    r = invoke("run", S, *SMALL, "--out", str(tmp_path / "r"), "--save-baseline", str(target),
               "--force")
    assert r.exit_code == 0 and "results replaced in" in r.output


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_results_are_never_written_through_a_symlink(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "r"
    out.mkdir()
    (out / "summary.txt").symlink_to(victim)
    bad("run", S, *SMALL, "--out", str(out), words="symbolic link")
    assert victim.read_text() == "keep me"
    assert not (out / "migrations.csv").exists(), "nothing written before the refusal"
    (tmp_path / "b.json").symlink_to(victim)
    bad("run", S, *SMALL, "--save-baseline", str(tmp_path / "b.json"), "--force",
        words="symbolic link")
    assert victim.read_text() == "keep me"


@pytest.mark.parametrize("content, words", [
    ({"format": "lpmsim-baseline/1"}, "migrations must be a list"),
    ({"format": "lpmsim-baseline/1", "seed": 0, "migrations": 5, "phases": []}, "migrations must be a list"),
    ({"format": "lpmsim-baseline/1", "seed": 0, "migrations": [{}], "phases": []}, "has no 'migration'"),
    ({"format": "lpmsim-baseline/1", "seed": 0, "migrations": [],
      "phases": [{"migration": "db01"}]}, "has no 'step'"),
    ({"format": "lpmsim-baseline/1", "seed": "x", "migrations": [], "phases": []}, "seed must be"),
    ({"format": "lpmsim-baseline/1", "seed": -5, "migrations": [], "phases": []}, "seed must be"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
])
def test_corrupt_baselines(tmp_path, content, words):
    path = tmp_path / "b.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    bad("check", S, "--baseline", str(path), words=words)


@pytest.mark.parametrize("files, words", [
    ({"phases.csv": 'migration,step\n"a,1\n'}, "phases.csv: cannot read"),
    ({"phases.csv": "migration,step\na,1\n"}, "missing column(s) start_s, end_s, phase"),
    ({"phases.csv": "migration,step,phase,start_s,end_s\na,x,p,0,1\n"}, "column step: not a number"),
    ({"sweep.json": "{bad"}, "sweep.json: cannot read"),
    ({"sweep.json": '{"axes": [{"values": [1]}]}'}, "not a sweep manifest"),
])
def test_malformed_plot_folders(tmp_path, files, words):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    bad("plot", str(tmp_path), words=words)


def test_malformed_fidelity_cases_are_all_reported(tmp_path):
    (tmp_path / "a.toml").write_text('name="x"\ncitation="c"\nmeasured="fast"\n[scenario]\n')
    (tmp_path / "b.toml").write_text('name="y"\ncitation="c"\n[scenario]\n[measured]\nrange=5\n')
    r = bad("fidelity", "--cases", str(tmp_path), "--out", str(tmp_path / "o"),
            words="measured must be a table")
    assert "measured.range must be a table" in r.output


def test_calibration_csv_with_a_bom_and_a_huge_number(tmp_path):
    obs = tmp_path / "obs.csv"
    obs.write_bytes(b"\xef\xbb\xbfpartition,memory,start,end\ndb01,1e400,0,100\n")
    bad("calibrate", str(obs), "--scenario", S, "--out", str(tmp_path / "o.toml"),
        words="column memory: '1e400' is not a finite number")


def test_sweep_flags():
    bad("sweep", S, "--grid", "seed=range(1e400, 2)", words="no finite number")
    bad("sweep", S, "--grid", "hmc.validate=1s", "--seeds", "1000000000", words="runs a sweep may have")
    bad("sweep", S, "--grid", "hmc.validate=1s", "--dask", "not a url", words="not a scheduler address")


def test_fault_kind_and_references_are_reported_with_the_schema_problems():
    raw = tomllib.loads(Path("scenarios/faults.toml").read_text())
    raw["faults"][0]["kind"] = "nope"
    raw["migrations"][0]["destination"] = "nowhere"
    raw["partitions"][0]["memory"] = "lots"
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(raw)
    text = str(info.value)
    assert "faults[0].kind: unknown fault kind 'nope'; use one of link_down" in text
    assert "policy preset" not in text
    assert "destination: no managed system named 'nowhere'" in text and "is not a size" in text


def test_calibration_overlay_quotes_hostile_names(tmp_path):
    """A partition named with a space, a bracket and a newline stays a name in the overlay."""
    from lpmsim.calibrate.fit import FitResult
    from lpmsim.calibrate.overlay import overlay_text
    from lpmsim.scenario.overrides import flatten

    name = 'a b]\n[hmc]\nvalidate = "0 s"'
    fit = FitResult(params=[], values={}, initial={}, residuals=[], determined={}, cost=0.0,
                    nfev=0, message="", assignments=[(("partitions", name, "workload", "rate"),
                                                      "5 pages/s")])
    text = overlay_text(fit, header=f"partition {name}")
    assert flatten(tomllib.loads(text)) == [(("partitions", name, "workload", "rate"), "5 pages/s")]
