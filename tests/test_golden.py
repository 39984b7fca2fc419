"""Golden timing baselines: every shipped scenario must reproduce its pinned timeline.

Each ``scenarios/<name>.toml`` has ``tests/golden/<name>.json`` (a baseline as written by
``lpmsim run --save-baseline``, plus the wall time of the run). The test simulates the scenario
with the baseline's seed and fails when any figure (per-migration timings and every step's start
and end) moves by more than 1e-6 relative, or when a shipped scenario has no golden file.

A deliberate model change moves the goldens; regenerate them, review the diff, commit::

    LPMSIM_REGEN=1 .venv/bin/pytest tests/test_golden.py            # rewrite every golden
    LPMSIM_REGEN=1 .venv/bin/pytest tests/test_golden.py -k faults  # just one scenario

A scenario whose golden run took more than 10 s is marked slow (run with ``-m slow``).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from lpmsim import load_scenario, simulate
from lpmsim.results.baseline import compare, format_table, save_baseline

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
REGEN = os.environ.get("LPMSIM_REGEN") == "1"
TOLERANCE = 1e-6
FLOORS = {"s": 1e-9, "bytes": 1.0, "count": 0.0}
SLOW_S = 10.0


def _params():
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        golden = GOLDEN / f"{path.stem}.json"
        marks = []
        if golden.exists() and not REGEN:
            try:
                if json.loads(golden.read_text()).get("wall_s", 0) > SLOW_S:
                    marks.append(pytest.mark.slow)
            except ValueError:
                pass
        yield pytest.param(path, id=path.stem, marks=marks)


@pytest.mark.parametrize("path", list(_params()))
def test_golden(path: Path, shipped):
    golden = GOLDEN / f"{path.stem}.json"
    scenario = load_scenario(path)
    if REGEN:
        t0 = time.perf_counter()
        result = simulate(scenario)
        save_baseline(result, golden, wall_s=round(time.perf_counter() - t0, 3))
        pytest.skip(f"regenerated {golden.relative_to(ROOT)}")
    assert golden.exists(), (
        f"scenario {path.name} has no golden baseline {golden.relative_to(ROOT)}; create it with\n"
        f"    LPMSIM_REGEN=1 .venv/bin/pytest tests/test_golden.py -k {path.stem}\n"
        "and commit it after checking the timings")
    baseline = json.loads(golden.read_text())
    result = shipped(path, seed=None if baseline["seed"] == scenario.seed else baseline["seed"])
    diffs = compare(result, baseline, TOLERANCE, FLOORS)
    assert not diffs["moved"].any(), (
        f"{path.name} moved against {golden.relative_to(ROOT)}:\n{format_table(diffs)}\n"
        "if the change is intended: LPMSIM_REGEN=1 .venv/bin/pytest tests/test_golden.py "
        f"-k {path.stem}")


def test_every_golden_has_a_scenario():
    orphans = [g.name for g in GOLDEN.glob("*.json") if not (ROOT / "scenarios" / f"{g.stem}.toml").exists()]
    assert not orphans, f"golden files without a scenario (delete them): {orphans}"
