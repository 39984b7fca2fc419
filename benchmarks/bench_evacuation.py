"""Evacuation speed: scenarios/evacuation.toml, 64 partitions (4 TiB at 4 KiB pages, 2^30 pages
in all) moved over 2 VIOS pairs and 2 x 10 GbE, up to 16 at once (issue 4's target: under 30 s
on a 2-core machine).

``python benchmarks/bench_evacuation.py`` prints a JSON line: wall time, SimPy events processed,
the process's peak resident memory, and the simulated makespan.
"""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

import simpy

from lpmsim import load_scenario, simulate

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "evacuation.toml"


def run() -> dict:
    events = 0
    step = simpy.Environment.step

    def counting_step(env):
        nonlocal events
        events += 1
        step(env)

    sc = load_scenario(SCENARIO)
    simpy.Environment.step = counting_step
    try:
        t0 = time.perf_counter()
        res = simulate(sc)
        wall = time.perf_counter() - t0
    finally:
        simpy.Environment.step = step
    m = res.migrations
    return {"case": "evacuation-64", "wall_s": round(wall, 3), "events": events,
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "migrations": len(m), "completed": int((m.outcome == "completed").sum()),
            "makespan_s": round(res.makespan, 1),
            "max_queue_wait_s": round(float(m.queue_wait_s.max()), 1)}


if __name__ == "__main__":
    print(json.dumps(run()))
