"""Benchmark: a sweep of 1,000 small scenarios (8 GiB partitions) with the local backend.

    python benchmarks/bench_sweep.py            # prints the figures as JSON

``run()`` returns wall time, runs, runs per second, the mean time of one simulation in this
process, and the per-run overhead of the sweep (wall time x workers / runs, minus the time of one
simulation): what the sweep machinery (validation, process start-up, pickling, assembling the
table) adds to each run. Target: under 60 s on a 2-core machine.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "single-active.toml"
SMALL = ["partitions.db01.memory=8 GiB", "partitions.db01.workload.working_set=1 GiB"]
GRID = {"partitions.db01.workload.rate": "logspace(1000 pages/s, 50000 pages/s, 10)",
        "links.lpm-10g.bandwidth": "linspace(1 Gbps, 25 Gbps, 10)"}


def run(seeds: int = 10, jobs: int | None = None, progress: bool = False) -> dict:
    """Sweep 10 x 10 points x ``seeds`` seeds (1,000 runs by default); return the figures."""
    from lpmsim import load_scenario, simulate, simulate_many

    jobs = jobs or os.cpu_count() or 1
    sc = load_scenario(SCENARIO, SMALL)
    simulate(sc)                                  # warm up imports and caches
    t0 = time.perf_counter()
    for i in range(5):
        simulate(sc, seed=i)
    single = (time.perf_counter() - t0) / 5
    t0 = time.perf_counter()
    result = simulate_many(SCENARIO, grid=GRID, seeds=seeds, overrides=SMALL, jobs=jobs,
                           progress=progress)
    wall = time.perf_counter() - t0
    runs = result.runs
    return {
        "benchmark": "sweep", "runs": runs, "jobs": jobs, "wall_s": round(wall, 3),
        "runs_per_s": round(runs / wall, 2), "single_run_s": round(single, 4),
        "per_run_overhead_s": round(wall * jobs / runs - single, 4),
        "failed": len(result.failed), "rows": len(result.table), "target_s": 60.0,
        "ok": wall < 60.0 and result.complete,
    }


if __name__ == "__main__":
    print(json.dumps(run(progress=True), indent=2))
