"""What every benchmark measures around one simulation: wall time, SimPy events, peak memory."""

from __future__ import annotations

import resource
import time

import simpy

from lpmsim import simulate


def measured_run(scenario) -> tuple[object, dict]:
    """Simulate ``scenario``; return the RunResult and {wall_s, events, peak_rss_mib}."""
    events = 0
    step = simpy.Environment.step

    def counting_step(env):
        nonlocal events
        events += 1
        step(env)

    simpy.Environment.step = counting_step
    try:
        t0 = time.perf_counter()
        res = simulate(scenario)
        wall = time.perf_counter() - t0
    finally:
        simpy.Environment.step = step
    return res, {"wall_s": round(wall, 3), "events": events,
                 "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
