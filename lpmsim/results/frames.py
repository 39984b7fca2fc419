"""Records -> tidy pandas DataFrames. The columns are documented in README.md ("Results")."""

from __future__ import annotations

import math
from dataclasses import asdict

import pandas as pd

from lpmsim.actors.migration import Migration
from lpmsim.actors.records import EventRecord, PassRecord, PhaseRecord, Recorder
from lpmsim.actors.vasi import State

MIGRATION_COLUMNS = [
    "migration", "partition", "source", "destination", "mode", "policy", "outcome", "reason",
    "stop_reason", "start_s", "queue_wait_s", "suspend_s", "resume_s", "completed_s", "end_s",
    "total_time_s", "precopy_s", "downtime_s", "postcopy_s", "bytes_sent", "precopy_bytes",
    "suspended_bytes", "postcopy_bytes", "passes", "demand_faults", "demand_bytes",
    "fault_wait_s", "memory_bytes", "touched_bytes",
    "priority", "admitted_s", "released_s", "src_msp", "dst_msp", "msp_pairs", "abort_entity",
    "failovers", "resent_bytes",
]


def migration_row(m: Migration) -> dict:
    times = m.stream.times if m.stream else {}
    t = {s: times.get(s, math.nan) for s in State}
    start = m.spec.start
    return {
        "migration": m.id, "partition": m.partition.name, "source": m.source,
        "destination": m.destination, "mode": m.mode, "policy": m.policy.name,
        "outcome": m.outcome, "reason": m.reason, "stop_reason": m.stop_reason,
        "start_s": start, "queue_wait_s": m.admitted - m.queued,
        "suspend_s": t[State.SUSPENDED], "resume_s": t[State.RESUMED],
        "completed_s": t[State.COMPLETED], "end_s": m.end,
        "total_time_s": m.end - start,
        "precopy_s": t[State.SUSPENDING] - t[State.ENABLED],
        "downtime_s": t[State.RESUMED] - t[State.SUSPENDED],
        "postcopy_s": t[State.COMPLETED] - t[State.RESUMED],
        "bytes_sent": sum(m.bytes.values()), "precopy_bytes": m.bytes["precopy"],
        "suspended_bytes": m.bytes["suspended"], "postcopy_bytes": m.bytes["postcopy"],
        "passes": m.passes, "demand_faults": m.demand_faults, "demand_bytes": m.demand_bytes,
        "fault_wait_s": m.fault_wait, "memory_bytes": m.partition.memory,
        "touched_bytes": m.partition.sent_pages * m.partition.page_size,
        "priority": m.spec.priority, "admitted_s": m.admitted, "released_s": m.released,
        "src_msp": m.src_msp if m.lanes else None, "dst_msp": m.dst_msp if m.lanes else None,
        "msp_pairs": ",".join(lane.name for lane in m.lanes), "abort_entity": m.abort_entity,
        "failovers": m.failovers, "resent_bytes": m.resent_bytes,
    }


def _frame(records: list, cls) -> pd.DataFrame:
    columns = list(cls.__dataclass_fields__)
    return pd.DataFrame([asdict(r) for r in records], columns=columns)


def build_frames(migrations: list[Migration], rec: Recorder) -> dict[str, pd.DataFrame]:
    frames = {
        "migrations": pd.DataFrame([migration_row(m) for m in migrations], columns=MIGRATION_COLUMNS),
        "phases": _frame(rec.phases, PhaseRecord),
        "passes": _frame(rec.passes, PassRecord).rename(columns={"pass_no": "pass"}),
        "events": _frame(rec.events, EventRecord),
        "links": pd.DataFrame([asdict(s) for s in rec.links],
                              columns=["time", "link", "rate", "capacity", "flows"]),
    }
    frames["phases"]["duration"] = frames["phases"]["end"] - frames["phases"]["start"]
    frames["phases"] = frames["phases"].sort_values(["migration", "step"], kind="stable",
                                                    ignore_index=True)
    return frames
