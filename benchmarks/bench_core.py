"""Core speed: one large active migration, page-level (issue 2's targets).

- ``64gib``: 64 GiB at 4 KiB pages, hot/cold writes, 10 GbE (target: under 1 s).
- ``1tib``: 1 TiB at 4 KiB pages, 268 million pages (target: under 10 s and 2 GiB peak memory).
- ``qemu-1tib-critical``: a 1 TiB QEMU guest whose dirty rate is about its 1 GB/s cap: it never
  converges and syncs every ~0.4 s for the hour it is given (issue 11's speed target: a sync
  costs milliseconds, not a bitmap copy per 100 ms of simulated time; ``ms_per_sync``).

Run one case: ``python benchmarks/bench_core.py 1tib``; prints a JSON line with wall time,
SimPy events processed and the process's peak resident memory.
"""

from __future__ import annotations

import json
import sys

from timing import measured_run

from lpmsim import scenario_from_dict

CASES = {
    "64gib": dict(memory="64 GiB", touched="100%", bandwidth="10 Gbps",
                  workload={"kind": "hotcold", "rate": "50000 pages/s", "working_set": "16 GiB",
                            "hot_set": "10%", "hot_share": 0.9, "read_rate": "50000 pages/s"}),
    "1tib": dict(memory="1 TiB", touched="100%", bandwidth="25 Gbps",
                 workload={"kind": "hotcold", "rate": "100000 pages/s", "working_set": "128 GiB",
                           "hot_set": "5%", "hot_share": 0.9, "read_rate": "100000 pages/s"}),
    "qemu-1tib-critical": dict(memory="1 TiB", touched="64 GiB", bandwidth="25 Gbps",
                               workload={"kind": "uniform", "rate": "260000 pages/s",
                                         "working_set": "32 GiB"},
                               policy={"preset": "qemu", "accel": "kvm",
                                       "max_bandwidth": "1 GB/s", "downtime_limit": "300 ms"},
                               horizon="1 h"),
}


def scenario(case: str):
    spec = CASES[case]
    return scenario_from_dict({
        "name": f"bench-{case}", "seed": 1, "horizon": spec.get("horizon", "7 d"),
        "systems": [{"name": "A", "memory": "4 TiB"}, {"name": "B", "memory": "4 TiB"}],
        "links": [{"name": "net", "bandwidth": spec["bandwidth"], "mtu": 9000}],
        "vios": [{"name": "va", "system": "A", "links": ["net"], "msp_throughput": "10 GB/s"},
                 {"name": "vb", "system": "B", "links": ["net"], "msp_throughput": "10 GB/s"}],
        "partitions": [{"name": "p", "system": "A", "memory": spec["memory"],
                        "touched": spec["touched"], "workload": spec["workload"]}],
        "migrations": [{"partition": "p", "destination": "B",
                        "policy": spec.get("policy", "powervm")}],
    })


def run(case: str) -> dict:
    res, figures = measured_run(scenario(case))
    m = res.migrations.iloc[0]
    total = float(m.total_time_s)
    out = {"case": case, **figures,
           "simulated_total_s": round(total, 3) if total == total else None,  # NaN: unfinished
           "passes": int(m.passes), "outcome": m.outcome}
    if case == "qemu-1tib-critical":
        out |= {"syncs": int(m.syncs), "ms_per_sync": round(figures["wall_s"] / m.syncs * 1e3, 4)}
    return out


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1] if len(sys.argv) > 1 else "64gib")))
