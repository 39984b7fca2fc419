"""Six busy 4 GiB migrations over one 1 Gbps link, QEMU's stop rule with the sync dirty log and a
30 ms downtime target (issue 10; the peer is SimGrid's live-migration model).

- ``concurrent``: all six start at once and share the link max-min fairly;
- ``sequential``: one after another (each starts when the previous one has ended).

Besides wall time it prints two references timed in the same process, as ratios (absolute times
drift on a shared machine, ratios hold):

- ``fluid_s``: the closed-form geometric pre-copy of the same six (a Python loop over rounds,
  V_{i+1} = W (1 - exp(-R V_i / B W)), the classic fluid model SimGrid uses);
- ``numpy_pass_s``: one pass of numpy over the six partitions' page bitmaps (packed, one bit a
  page: an OR and a popcount), the physical floor of any page-level engine.

``python benchmarks/bench_busy.py [concurrent|sequential]`` prints a JSON line.
"""

from __future__ import annotations

import json
import math
import sys
import time

import numpy as np
from timing import measured_run

from lpmsim import scenario_from_dict

GiB = 2**30
N, MEMORY, LINK = 6, 4 * GiB, 1e9 / 8
WORKING, RATE = GiB, 4_700  # pages/s of random writes over 1 GiB each: near the critical rate


def scenario(case: str):
    parts = [{"name": f"p{i}", "system": "A", "memory": "4 GiB",
              "workload": {"kind": "uniform", "rate": f"{RATE} pages/s", "working_set": "1 GiB"}}
             for i in range(N)]
    policy = {"preset": "qemu", "accel": "kvm", "max_bandwidth": 0, "downtime_limit": "30 ms"}
    migrations = [{"partition": f"p{i}", "destination": "B", "policy": policy} for i in range(N)]
    raw = {
        "name": f"busy-{case}", "seed": 1,
        "hmc": {"requirements": 0, "validate": 0, "mapping": 0, "prepare": 0, "profiles": 0,
                "cleanup": 0, "post": 0},
        "hypervisor": {"os_poll": 0, "suspend": 0, "resume": 0, "state_bytes": 0},
        "systems": [{"name": "A", "memory": "64 GiB", "max_active_migrations": 16 if case == "concurrent" else 1},
                    {"name": "B", "memory": "64 GiB"}],
        "links": [{"name": "net", "bandwidth": "1 Gbps", "efficiency": 1.0}],
        "vios": [{"name": "va", "system": "A", "links": ["net"], "msp_throughput": "10 GB/s"},
                 {"name": "vb", "system": "B", "links": ["net"], "msp_throughput": "10 GB/s"}],
        "partitions": parts, "migrations": migrations,
    }
    return scenario_from_dict(raw)


def fluid_estimate() -> float:
    """The classic fluid pre-copy of the six, one after another (seconds of wall time)."""
    t0 = time.perf_counter()
    pages, w = MEMORY / 4096, WORKING / 4096
    for _ in range(N):
        v, rounds = pages * 4104, 0
        while rounds < 10_000:
            tau = v / LINK
            nxt = w * -math.expm1(-RATE * tau / w) * 4104
            rounds += 1
            if nxt < LINK * 0.03 or abs(nxt - v) < 1e-9 * v:
                break
            v = nxt
    return time.perf_counter() - t0


def numpy_pass() -> float:
    bitmaps = [np.packbits(np.ones(MEMORY // 4096, dtype=bool)) for _ in range(N)]
    log = [np.zeros_like(b) for b in bitmaps]
    t0 = time.perf_counter()
    for b, dirty in zip(bitmaps, log):
        np.bitwise_or(b, dirty, out=b)
        int(np.unpackbits(b).sum())
    return time.perf_counter() - t0


def run(case: str) -> dict:
    res, figures = measured_run(scenario(case))
    m = res.migrations
    fluid, npass = fluid_estimate(), numpy_pass()
    return {"case": case, **figures, "syncs_mean": round(float(m.syncs.mean()), 1),
            "outcomes": sorted(set(m.outcome.astype(str))),
            "makespan_s": round(res.makespan, 2), "fluid_s": round(fluid, 5),
            "numpy_pass_s": round(npass, 5), "x_fluid": round(figures["wall_s"] / fluid, 1),
            "x_numpy_pass": round(figures["wall_s"] / npass, 1)}


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1] if len(sys.argv) > 1 else "concurrent")))
