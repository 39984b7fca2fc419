"""Sweeps: grid expansion, validation before any run, parallel == sequential, lost runs."""

from __future__ import annotations

import json
import sys

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from lpmsim import ScenarioError, load_scenario, scenario_from_dict, simulate, simulate_many
from lpmsim.sweep import BackendError, GridError, make_axes, parse_values, points
from lpmsim.sweep.result import SweepResult, axis_column

SCENARIO = "scenarios/single-active.toml"
SMALL = ["partitions.db01.memory=8 GiB", "partitions.db01.workload.working_set=1 GiB"]


def test_literal_values_read_like_set():
    assert parse_values("1000 pages/s, 5000 pages/s") == ["1000 pages/s", "5000 pages/s"]
    assert parse_values('3,true,powervm,{ preset = "qemu", downtime_limit = "100 ms" }') == [
        3, True, "powervm", {"preset": "qemu", "downtime_limit": "100 ms"}]


def test_ranges_with_units():
    assert parse_values("logspace(1000 pages/s, 100000 pages/s, 3)") == [
        "1000 pages/s", "10000 pages/s", "100000 pages/s"]
    assert parse_values("logspace(1000, 100000 pages/s, 3)")[1] == "10000 pages/s"
    assert parse_values("linspace(1 Gbps, 25 Gbps, 4)") == ["1 Gbps", "9 Gbps", "17 Gbps", "25 Gbps"]
    assert parse_values("range(1, 5)") == [1, 2, 3, 4]
    assert parse_values("range(0 s, 1 s, 250 ms)") == ["0 s", "0.25 s", "0.5 s", "0.75 s"]
    assert parse_values("linspace(100 Mbps, 10 Gbps, 2)") == ["12500000 B/s", "1250000000 B/s"]
    assert parse_values("8 GiB,linspace(16 GiB, 32 GiB, 2)") == ["8 GiB", "16 GiB", "32 GiB"]


@pytest.mark.parametrize("text, words", [
    ("logspace(0, 10, 3)", "> 0"), ("linspace(1, 2)", "takes"), ("range(1, 5, 0)", "step"),
    ("linspace(1 GiB, 2 s, 3)", "different kinds"), ("linspace(a, b, 3)", "not a number"),
    ("1,,2", "empty"), ("linspace(1, 2, x)", "whole number"),
])
def test_bad_ranges_say_why(text, words):
    with pytest.raises(ValueError, match=words):
        parse_values(text)


def test_product_and_zip():
    axes = make_axes(["a=1,2", "b=x,y,z"], zip=["c=10,20", "d=p,q"])
    pts = points(axes)
    assert len(pts) == 2 * 3 * 2
    assert pts[0] == {"a": 1, "b": "x", "c": 10, "d": "p"}
    assert pts[1] == {"a": 1, "b": "x", "c": 20, "d": "q"}   # zip moves together, last axis fastest
    assert pts[-1] == {"a": 2, "b": "z", "c": 20, "d": "q"}
    assert points(make_axes({"a": [1, 2]}, zip=[{"b": [1, 2]}, {"c": "3,4", "d": [5, 6]}])) [-1] == \
        {"a": 2, "b": 2, "c": 4, "d": 6}
    assert points([]) == [{}]


def test_axis_problems_collected():
    with pytest.raises(GridError) as err:
        make_axes(["a=1,2", "nokey", "a=3"], zip=["c=1,2", "d=1"])
    text = str(err.value)
    assert "KEY=VALUES" in text and "swept twice" in text and "c has 2, d has 1" in text


def test_axis_columns_numeric_with_units():
    assert axis_column(["1000 pages/s", "5000 pages/s"]) == ([1000.0, 5000.0], "pages/s")
    assert axis_column(["100 Mbps", "10 Gbps"]) == ([12.5e6, 1.25e9], "B/s")
    assert axis_column([1, 2.5]) == ([1.0, 2.5], "")
    assert axis_column([False, True]) == ([False, True], "")
    assert axis_column(["powervm", {"preset": "qemu"}]) == (["powervm", '{"preset": "qemu"}'], "")


def test_bad_keys_and_values_reported_before_any_run(monkeypatch):
    import lpmsim.sweep.run as run_mod

    monkeypatch.setattr(run_mod, "_execute", lambda *a, **k: pytest.fail("ran before validating"))
    with pytest.raises(ScenarioError) as err:
        simulate_many(SCENARIO, grid={"partitions.db01.workload.rte": [1, 2],
                                      "partitions.db01.memory": ["8 GiB", "lots"],
                                      "links.nope.bandwidth": ["1 Gbps"],
                                      "links.lpm-10g.bandwidth": "linspace(1 Gbps, 2 s, 2)"})
    text = str(err.value)
    assert "partitions[db01].workload.rte: unknown key" in text
    assert "'lots' is not a size" in text and "(at partitions.db01.memory=lots" in text
    assert "no links entry named 'nope'" in text
    assert "--grid links.lpm-10g.bandwidth" in text and "different kinds" in text


def _sweep(**kw):
    return simulate_many(SCENARIO, grid={"partitions.db01.workload.rate": "1000 pages/s,20000 pages/s",
                                         "migrations.db01.policy": ["powervm", "xen"]},
                         seeds=2, overrides=SMALL, progress=False, **kw)


@pytest.fixture(scope="module")
def sequential():
    return _sweep(jobs=1)


def test_table_is_tidy(sequential):
    t = sequential.table
    assert sequential.complete and sequential.runs == 8 and len(t) == 8
    assert list(t.columns[:6]) == ["run", "point", "replicate", "seed", "partitions.db01.workload.rate",
                                   "migrations.db01.policy"]
    assert t["partitions.db01.workload.rate"].tolist() == [1000.0] * 4 + [20000.0] * 4
    assert sequential.units["partitions.db01.workload.rate"] == "pages/s"
    assert t["seed"].tolist() == [1, 2] * 4           # base (scenario seed 1) + i
    assert t["policy"].tolist() == ["powervm"] * 2 + ["xen"] * 2 + ["powervm"] * 2 + ["xen"] * 2


def test_a_run_matches_simulate(sequential):
    sc = load_scenario(SCENARIO, SMALL + ["partitions.db01.workload.rate=20000 pages/s",
                                          "migrations.db01.policy=xen"])
    one = simulate(sc, seed=2).migrations
    row = sequential.table[(sequential.table["point"] == 3) & (sequential.table["seed"] == 2)]
    assert_frame_equal(row[one.columns].reset_index(drop=True), one, check_dtype=False)


def test_parallel_equals_sequential(sequential):
    parallel = _sweep(jobs=2)
    assert_frame_equal(parallel.table, sequential.table)


def test_save_and_load(sequential, tmp_path):
    sequential.save(tmp_path)
    for name in ("sweep.parquet", "sweep.csv", "failed.csv", "sweep.json",
                 "scenarios/run-00000.json", "scenarios/run-00007.json"):
        assert (tmp_path / name).exists(), name
    back = SweepResult.load(tmp_path)
    assert_frame_equal(back.table, sequential.table, check_dtype=False)
    assert back.manifest["complete"] and back.manifest["runs"] == 8
    # every run's resolved scenario re-loads, with that run's seed
    sc = scenario_from_dict(json.loads((tmp_path / "scenarios/run-00007.json").read_text()))
    assert sc.seed == 2


def test_lost_runs_are_listed(monkeypatch):
    package = sys.modules["lpmsim.world"]
    real = package.simulate

    def flaky(scenario, seed=None):
        if seed == 2:
            raise RuntimeError("boom")
        return real(scenario, seed=seed)

    monkeypatch.setattr(package, "simulate", flaky)
    result = simulate_many(SCENARIO, grid={"migrations.db01.policy": ["powervm", "xen"]}, seeds=2,
                           overrides=SMALL, jobs=1, progress=False)
    assert not result.complete
    assert result.failed["run"].tolist() == [1, 3]
    assert "RuntimeError: boom" in result.failed["error"].iloc[0]
    assert "2 of 4 run(s) failed (run 1, 3)" in result.problem()
    assert len(result.table) == 2


def test_bad_backend_and_jobs():
    with pytest.raises(BackendError, match="backend"):
        simulate_many(SCENARIO, backend="slurm", progress=False)
    with pytest.raises(ValueError, match="jobs"):
        simulate_many(SCENARIO, jobs=0, progress=False)


def test_unreachable_dask_names_the_address(monkeypatch):
    import lpmsim.sweep.backends as b

    monkeypatch.setattr(b, "DASK_CONNECT_TIMEOUT", 1)
    with pytest.raises(BackendError, match="tcp://127.0.0.1:9"):
        simulate_many(SCENARIO, overrides=SMALL, backend="dask", dask_address="tcp://127.0.0.1:9",
                      progress=False)


def test_dask_local_cluster_equals_local(sequential):
    pytest.importorskip("dask.distributed")
    result = _sweep(jobs=2, backend="dask", dask_address="local", dask_processes=False)
    assert_frame_equal(result.table, sequential.table)
    assert isinstance(result.table, pd.DataFrame)


def test_cli_sweep_writes_the_folder(tmp_path):
    from click.testing import CliRunner

    from lpmsim.cli import main

    args = ["sweep", SCENARIO, "--grid", "migrations.db01.policy=powervm,xen", "--seeds", "2",
            "--jobs", "1", "--no-progress", "--out", str(tmp_path)]
    for s in SMALL:
        args += ["--set", s]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "sweep.json").read_text())["complete"] is True
    assert len(pd.read_csv(tmp_path / "sweep.csv")) == 4
    bad = CliRunner().invoke(main, ["sweep", SCENARIO, "--grid", "partitions.db01.rte=1,2",
                                    "--grid", "x=logspace(0, 1, 2)", "--out", str(tmp_path / "bad")])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    assert "partitions[db01].rte: unknown key" in bad.output and "--grid x" in bad.output
    assert not (tmp_path / "bad").exists()
