"""Records -> tidy pandas DataFrames. The columns are documented in README.md ("Results")."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pandas as pd

from lpmsim.actors.migration import MigrationRecord
from lpmsim.actors.records import EventRecord, GuestRecord, PassRecord, PhaseRecord, Recorder
from lpmsim.actors.vasi import State
from lpmsim.kinds import Mode, Outcome, Stage
from lpmsim.results.progress import progress_frame

MIGRATION_COLUMNS = [
    "migration", "partition", "source", "destination", "mode", "policy", "outcome", "reason",
    "stop_reason", "start_s", "queue_wait_s", "setup_s", "suspend_s", "resume_s", "completed_s",
    "end_s", "total_time_s", "precopy_s", "downtime_s", "postcopy_s", "bytes_sent",
    "precopy_bytes", "suspended_bytes", "postcopy_bytes", "ram_bytes", "passes", "syncs",
    "normal_pages", "zero_pages", "demand_requests", "demand_pages", "demand_faults",
    "demand_bytes", "fault_wait_s", "stall_s", "rate_drop", "memory_bytes", "touched_bytes",
    "priority", "admitted_s", "released_s", "src_msp", "dst_msp", "msp_pairs", "abort_entity",
    "failovers", "resent_bytes", "steady",
]
#: Record fields -> frame columns with their unit (issue 9: "_s", "_bytes", "_Bps" everywhere).
UNITS = {"time": "time_s", "start": "start_s", "end": "end_s", "bytes": "bytes_sent"}
LINK_UNITS = {"rate": "rate_Bps", "capacity": "capacity_Bps"}
#: Columns of closed vocabularies, stored as categoricals.
CATEGORIES = {"mode": [m.value for m in Mode], "outcome": [o.value for o in Outcome],
              "policy": ["powervm", "qemu", "xen"]}


def migration_row(m: MigrationRecord) -> dict:
    plan, verdict, tally = m.plan, m.verdict, m.tally
    t = {s: m.times.get(s, math.nan) for s in State}
    start = plan.spec.start
    sent = sum(tally.bytes.values())
    state = 0.0 if math.isnan(t[State.SUSPENDED]) else float(m.state_bytes)
    postcopy = t[State.COMPLETED] - t[State.RESUMED]
    return {
        "migration": plan.id, "partition": plan.partition.name, "source": plan.source,
        "destination": plan.destination, "mode": plan.mode.value, "policy": plan.policy.name,
        "outcome": verdict.outcome.value, "reason": verdict.reason or None,
        "stop_reason": tally.stop_reason or None,
        "start_s": start, "queue_wait_s": verdict.admitted - verdict.queued,
        "setup_s": tally.setup_s,
        "suspend_s": t[State.SUSPENDED], "resume_s": t[State.RESUMED],
        "completed_s": t[State.COMPLETED], "end_s": verdict.end,
        "total_time_s": verdict.end - start,
        "precopy_s": t[State.SUSPENDING] - t[State.ENABLED],
        "downtime_s": t[State.RESUMED] - t[State.SUSPENDED],
        "postcopy_s": postcopy,
        "bytes_sent": sent, "precopy_bytes": tally.bytes[Stage.PRECOPY],
        "suspended_bytes": tally.bytes[Stage.SUSPENDED],
        "postcopy_bytes": tally.bytes[Stage.POSTCOPY], "ram_bytes": sent - state,
        "passes": tally.passes, "syncs": tally.syncs,
        "normal_pages": tally.normal_pages, "zero_pages": tally.zero_pages,
        "demand_requests": tally.demand_requests, "demand_pages": tally.demand_pages,
        "demand_faults": tally.demand_pages, "demand_bytes": tally.demand_bytes,
        "fault_wait_s": tally.fault_wait_s, "stall_s": tally.stall_s,
        "rate_drop": (tally.postcopy_stall_s / postcopy if postcopy > 0 else math.nan),
        "memory_bytes": plan.partition.memory,
        "touched_bytes": plan.partition.sent_pages * plan.partition.page_size,
        "priority": plan.spec.priority, "admitted_s": verdict.admitted, "released_s": m.released,
        "src_msp": m.src_msp, "dst_msp": m.dst_msp, "msp_pairs": ",".join(m.lanes) or None,
        "abort_entity": verdict.abort_entity or None,
        "failovers": tally.failovers, "resent_bytes": tally.resent_bytes,
        "steady": tally.steady or None,
    }


def tuples(frame: pd.DataFrame) -> Iterator[Any]:
    """``frame.itertuples(index=False)``, typed as Any: pandas-stubs types every cell as the union
    of all scalar types, which no formatting call accepts."""
    return frame.itertuples(index=False)


def categorize(table: pd.DataFrame) -> pd.DataFrame:
    """Store the closed vocabularies (mode, outcome, policy) as categoricals."""
    for column, values in CATEGORIES.items():
        if column in table:
            table[column] = pd.Categorical(table[column], categories=values)
    return table


def _frame(records: list, cls) -> pd.DataFrame:
    columns = list(cls.__dataclass_fields__)
    # the records are flat dataclasses: their __dict__ is the row (asdict() recurses, 5x slower)
    return pd.DataFrame([r.__dict__ for r in records], columns=columns)


def build_frames(migrations: list[MigrationRecord], rec: Recorder) -> dict[str, pd.DataFrame]:
    table = categorize(pd.DataFrame([migration_row(m) for m in migrations],
                                    columns=MIGRATION_COLUMNS))
    frames = {
        "migrations": table,
        "phases": _frame(rec.phases, PhaseRecord).rename(columns=UNITS),
        "passes": _frame(rec.passes, PassRecord).rename(columns=UNITS | {"pass_no": "pass"}),
        "events": _frame(rec.events, EventRecord).rename(columns=UNITS),
        "guest": _frame(rec.guest, GuestRecord).rename(columns=UNITS),
        "links": pd.DataFrame([s.__dict__ for s in rec.links],
                              columns=["time", "link", "rate", "capacity", "flows"]
                              ).rename(columns=UNITS | LINK_UNITS),
    }
    links = frames["links"]
    idle_reverse = [name for name, rows in links.groupby("link")
                    if str(name).endswith("~r") and not (rows["rate_Bps"] > 0).any()]
    frames["links"] = links[~links["link"].isin(idle_reverse)].reset_index(drop=True)
    frames["phases"]["duration_s"] = frames["phases"]["end_s"] - frames["phases"]["start_s"]
    frames["phases"] = frames["phases"].sort_values(["migration", "step"], kind="stable",
                                                    ignore_index=True)
    frames["progress"] = progress_frame(migrations, rec.phases, rec.passes)
    return frames
