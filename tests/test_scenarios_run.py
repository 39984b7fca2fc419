"""Every shipped scenario loads and runs, and its migrations end as the file intends."""

from __future__ import annotations

from pathlib import Path

import pytest


SCENARIOS = sorted(Path(__file__).parent.parent.glob("scenarios/*.toml"))
SLOW = {"evacuation", "faults"}


@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.slow) if p.stem in SLOW else p
                                  for p in SCENARIOS], ids=lambda p: p.stem)
def test_scenario_runs(path, shipped):
    res = shipped(path)
    assert len(res.migrations) >= 1
    assert res.migrations.outcome.isin(["completed", "aborted", "lost", "validation_failed",
                                        "unfinished"]).all()
    if path.stem.startswith(("single", "three", "non-conv", "flagship")):
        assert (res.migrations.outcome == "completed").all()


def test_non_converging_scenario_stops_on_the_pass_limit(shipped):
    m = shipped("scenarios/non-converging.toml").migrations.iloc[0]
    assert m.stop_reason == "pass_limit" and m.postcopy_s > 1 and m.demand_faults > 0


def test_three_policies_differ_as_their_rules_say(shipped):
    m = shipped("scenarios/three-policies.toml").migrations.set_index("policy")
    assert m.loc["powervm", "postcopy_s"] > 0          # resumes before every page arrived
    assert m.loc["qemu", "postcopy_s"] == 0 and m.loc["xen", "postcopy_s"] == 0
    assert m.loc["qemu", "total_time_s"] > m.loc["powervm", "total_time_s"]  # 128 MiB/s cap
    assert m.loc["xen", "passes"] <= 5


def test_summary_prints_na_cells_as_dashes(shipped):
    """NA (an inactive migration has no stop reason) must print, not crash the summary."""
    text = shipped("scenarios/flagship.toml").summary()
    batch = next(line for line in text.splitlines() if line.startswith("batch"))
    assert batch.rstrip().endswith("-") and "converged" in text
