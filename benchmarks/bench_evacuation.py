"""Evacuation speed: scenarios/evacuation.toml, 64 partitions (4 TiB at 4 KiB pages, 2^30 pages
in all) moved over 2 VIOS pairs and 2 x 10 GbE, up to 16 at once (issue 4's target: under 30 s
on a 2-core machine).

``python benchmarks/bench_evacuation.py`` prints a JSON line: wall time, SimPy events processed,
the process's peak resident memory, and the simulated makespan.
"""

from __future__ import annotations

import json
from pathlib import Path

from timing import measured_run

from lpmsim import load_scenario

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "evacuation.toml"


def run() -> dict:
    res, figures = measured_run(load_scenario(SCENARIO))
    m = res.migrations
    return {"case": "evacuation-64", **figures,
            "migrations": len(m), "completed": int((m.outcome == "completed").sum()),
            "makespan_s": round(res.makespan, 1),
            "max_queue_wait_s": round(float(m.queue_wait_s.max()), 1)}


if __name__ == "__main__":
    print(json.dumps(run()))
