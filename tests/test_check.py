"""Timing baselines: lpmsim run --save-baseline, lpmsim check, results.baseline.compare."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lpmsim import load_scenario, simulate
from lpmsim.cli import main
from lpmsim.results.baseline import BaselineError, compare, load_baseline, parse_tolerance, save_baseline

SCENARIO = "scenarios/single-active.toml"
SMALL = ["--set", "partitions.db01.memory=8 GiB", "--set", "partitions.db01.workload.working_set=1 GiB"]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    folder = tmp_path_factory.mktemp("base")
    res = CliRunner().invoke(main, ["run", SCENARIO, *SMALL, "--out", str(folder / "run"), "--no-plot",
                                    "--save-baseline", str(folder / "base.json")])
    assert res.exit_code == 0, res.output
    return folder / "base.json"


def test_baseline_file(baseline):
    data = load_baseline(baseline)
    assert data["seed"] == 1 and data["migrations"][0]["outcome"] == "completed"
    assert {p["step"] for p in data["phases"]} >= {3, 6, 7, 8, 9}


def test_check_passes_on_identical_run(baseline):
    res = CliRunner().invoke(main, ["check", SCENARIO, *SMALL, "--baseline", str(baseline)])
    assert res.exit_code == 0, res.output
    assert "no differences" in res.output and "0 moved" in res.output


def test_check_fails_when_bandwidth_changes(baseline):
    res = CliRunner().invoke(main, ["check", SCENARIO, *SMALL, "--baseline", str(baseline),
                                    "--set", "links.lpm-10g.bandwidth=2 Gbps", "--tolerance", "5%"])
    assert res.exit_code == 1, res.output
    assert "MOVED" in res.output and "total_time_s" in res.output and "step 6 transfer end" in res.output


def test_loose_tolerance_lets_a_small_change_pass(baseline):
    res = CliRunner().invoke(main, ["check", SCENARIO, *SMALL, "--baseline", str(baseline),
                                    "--set", "links.lpm-10g.bandwidth=9.9 Gbps", "--tolerance", "50%"])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("args, words", [
    (["--baseline", "nope.json"], "no such baseline"),
    (["--tolerance", "lots"], "not a number"),
    (["--set", "links.nope.bandwidth=1 Gbps"], "no links entry named 'nope'"),
])
def test_bad_input_exits_2(baseline, args, words):
    full = ["check", SCENARIO, "--baseline", str(baseline), *args]
    res = CliRunner().invoke(main, full)
    assert res.exit_code == 2 and words in res.output and "Traceback" not in res.output


def test_not_a_baseline(tmp_path):
    (tmp_path / "x.json").write_text(json.dumps({"a": 1}))
    with pytest.raises(BaselineError, match="not an lpmsim baseline"):
        load_baseline(tmp_path / "x.json")


def test_compare_floors_and_outcomes(tmp_path):
    result = simulate(load_scenario(SCENARIO, SMALL[1::2]))
    path = save_baseline(result, tmp_path / "b.json")
    data = json.loads(path.read_text())
    assert not compare(result, data)["moved"].any()
    data["migrations"][0]["downtime_s"] += 0.0005          # under the 1 ms floor
    data["migrations"][0]["outcome"] = "aborted"
    data["phases"].append({"migration": "ghost", "step": 6, "phase": "transfer", "start": 0, "end": 1})
    diffs = compare(result, data, 0.0).set_index(["migration", "figure"])
    assert not diffs.loc[("db01", "downtime_s"), "moved"]
    assert diffs.loc[("db01", "outcome"), "moved"]
    assert diffs.loc[("ghost", "step 6 transfer start"), "moved"]


def test_parse_tolerance():
    assert parse_tolerance("5%") == 0.05 and parse_tolerance("0.1") == 0.1 and parse_tolerance(0) == 0
    with pytest.raises(ValueError):
        parse_tolerance("-1%")
