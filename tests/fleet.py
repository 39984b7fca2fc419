"""Test builders for many migrations at once: systems A and B (and C), ``pairs`` VIOS pairs,
each pair with its own link (or one shared link), and ``n`` partitions on A."""

from __future__ import annotations

import copy

from builders import NO_OVERHEADS

from lpmsim import scenario_from_dict


def fleet(n=2, *, pairs=1, shared_link=True, bandwidth="1 GB/s", memory="256 MiB", msp="1 TB/s",
          workload=None, ops=8, level=4, max_active=16, migrations=True, latency="0 s",
          overheads=False, redundant=0, **extra) -> dict:
    links = ([{"name": "net", "bandwidth": bandwidth, "latency": latency, "efficiency": 1.0}]
             if shared_link else
             [{"name": f"net{i}", "bandwidth": bandwidth, "latency": latency, "efficiency": 1.0}
              for i in range(1, pairs + 1)])
    vios = []
    for side in ("A", "B"):
        for i in range(1, pairs + 1):
            vios.append({"name": f"v{side}{i}", "system": side,
                         "links": ["net" if shared_link else f"net{i}"],
                         "msp_throughput": msp, "cfg_msp_lpm_ops": ops, "concurrency_lvl": level})
    raw = {
        "name": "fleet", "seed": 0,
        "systems": [{"name": s, "memory": "4 TiB", "max_active_migrations": max_active}
                    for s in ("A", "B")],
        "links": links, "vios": vios,
        "partitions": [{"name": f"p{i}", "id": i, "system": "A", "memory": memory,
                        "workload": workload or {"kind": "idle"}} for i in range(1, n + 1)],
        # one MSP pair per migration unless asked (the product default is 2, "if available")
        "migrations": ([{"partition": f"p{i}", "destination": "B", "redundant_msps": redundant}
                        for i in range(1, n + 1)]
                       if migrations else []),
    }
    if not overheads:
        raw.update(copy.deepcopy(NO_OVERHEADS))
    raw.update(extra)
    return raw


def scenario(**kw):
    return scenario_from_dict(fleet(**kw))


def peak(intervals) -> int:
    """Most intervals [start, end) open at once."""
    intervals = list(intervals)
    points = sorted([(s, 1) for s, e in intervals] + [(e, -1) for s, e in intervals])
    best = now = 0
    for _, step in points:
        now += step
        best = max(best, now)
    return best
