"""Sweeps stay bounded and survive a dead worker (issue 15, classes 3 and 7)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lpmsim import ScenarioError, load_scenario, simulate_many
from lpmsim.sweep import BackendError
from lpmsim.sweep.backends import batches, run_local

sys.path.insert(0, str(Path(__file__).parent))  # the spawned workers import sweep_killer
import sweep_killer  # noqa: E402

SCENARIO = "scenarios/single-active.toml"
SMALL = ["partitions.db01.memory=2 GiB", "partitions.db01.workload.working_set=256 MiB"]


@pytest.mark.parametrize("grid, seeds, words", [
    (["seed=range(0, 1e308, 1e-10)"], 1, "no finite number"),
    (["seed=range(1e400, 2)"], 1, "no finite number"),
    (["partitions.db01.memory=logspace(1 GiB, 8 GiB, 1000000000)"], 1, "100,000 an axis"),
    (["hmc.validate=range(0 s, 1000 s)", "hmc.mapping=range(0 s, 1000 s)"], 1, "1,000,000 points"),
    (["hmc.validate=1 s"], 10**9, "1,000,000,000 seeds"),
])
def test_oversized_sweeps_are_refused_before_building(grid, seeds, words):
    with pytest.raises(ScenarioError, match=words):
        simulate_many(SCENARIO, grid=grid, seeds=seeds, progress=False)


def test_a_malformed_dask_address_is_a_clean_error():
    with pytest.raises(BackendError, match="not a scheduler address"):
        simulate_many(SCENARIO, overrides=SMALL, backend="dask", dask_address="not a url",
                      progress=False)


def _work():
    sc = load_scenario(SCENARIO, SMALL)
    runs = [(i, 0, i) for i in range(6)]
    return batches(runs, 2, max_size=1), {0: sc}


def test_a_killed_local_worker_is_replaced_and_its_runs_rerun(tmp_path, monkeypatch):
    monkeypatch.setenv("LPMSIM_KILL_MARKER", str(tmp_path / "killed"))
    work, scenarios = _work()
    out = [o for got in run_local(work, scenarios, 2, task=sweep_killer.die_once) for o in got]
    assert (tmp_path / "killed").exists(), "the worker was killed"
    assert sorted(run for run, _, _ in out) == list(range(6))
    assert all(rows is not None and not error for _, rows, error in out), out


def test_a_worker_that_always_dies_is_lost_after_the_retries():
    work, scenarios = _work()
    out = [o for got in run_local(work, scenarios, 2, retries=1, task=sweep_killer.always_die)
           for o in got]
    assert sorted(run for run, _, _ in out) == list(range(6))
    assert all(rows is None and "BrokenProcessPool" in error for _, rows, error in out)
