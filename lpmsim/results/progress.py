"""Migration progress as the HMC shows it (``lslparmigr -r lpar``): per migration, the state
and the bytes transmitted and remaining, over time. Built from the records after the run
(phases and passes), never from live actors.

State names follow the HMC's ``migration_state`` wording where we could read it ("Not
Migrating", "Migration Starting", "Migration In Progress"); IBM's full list is not in our
sources (shared/reference S25), so the suspend and resume states use the PAPR VASI state names
(Suspended, Resumed) and a migration that did not complete ends as "Migration <outcome>".

Bytes: ``bytes_transmitted`` is what was sent so far; ``bytes_remaining`` what is left of the
memory: at the start of pass 1 all it will send, at a pass end the pages not yet current on the
destination (``dirty_end``) at their wire size. One sample at each step start and at each pass
start and end; between samples both change linearly (the flows keep their rate between
decision points).
"""

from __future__ import annotations

import math

import pandas as pd

COLUMNS = ["migration", "time_s", "state", "bytes_transmitted", "bytes_remaining"]

#: seed-table step -> the state an HMC user sees while it runs
STEP_STATES = {6: "Migration In Progress", 7: "Suspended", 8: "Resumed"}
STAGE_STATES = {"precopy": "Migration In Progress", "suspended": "Suspended",
                "postcopy": "Resumed"}


def progress_frame(migrations, phases, passes) -> pd.DataFrame:
    """From the records (MigrationRecord, PhaseRecord, PassRecord lists), in plain Python:
    one run's frames would cost more to filter than to build this way."""
    by_phase: dict[str, list] = {}
    for ph in sorted(phases, key=lambda r: r.start):
        by_phase.setdefault(ph.migration, []).append(ph)
    by_pass: dict[str, list] = {}
    for ps in sorted(passes, key=lambda r: r.start):
        by_pass.setdefault(ps.migration, []).append(ps)
    rows: list[tuple] = []
    for m in migrations:
        mig, wire = m.plan.id, float(m.plan.page_wire_bytes)
        ph, ps = by_phase.get(mig, []), by_pass.get(mig, [])
        if not ph:
            continue
        sent, left = 0.0, (ps[0].bytes if ps else 0.0)
        for step in ph:
            if step.step > 6 and step.step in STEP_STATES:
                continue  # the passes give these states, with their bytes
            state = STEP_STATES.get(step.step, "Migration Starting" if step.step < 6 else "Completing")
            rows.append((mig, step.start, state, sent, left))
            if step.step != 6:
                continue
            for p in ps:
                label = STAGE_STATES.get(p.stage, "Migration In Progress")
                rows.append((mig, p.start, label, sent, left))
                sent += p.bytes
                left = max(0.0, p.dirty_end) * wire
                rows.append((mig, p.end, label, sent, left))
        outcome = m.verdict.outcome.value
        done = outcome == "completed"
        last = max(step.end for step in ph)
        end = last if math.isnan(m.verdict.end) else max(m.verdict.end, last)  # steps 10, 11
        rows.append((mig, end, "Not Migrating" if done else f"Migration {outcome}",
                     sent, 0.0 if done else left))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["migration", "time_s"], kind="stable", ignore_index=True)


def table_at(progress: pd.DataFrame, time_s: float) -> pd.DataFrame:
    """What ``lslparmigr -r lpar`` would show at ``time_s``: per migration that has started,
    its state and its bytes, interpolated between samples."""
    out = []
    for mig, rows in progress.groupby("migration", sort=False):
        before = rows[rows["time_s"] <= time_s]
        if before.empty:
            continue
        last = before.iloc[-1]
        after = rows[rows["time_s"] > time_s]
        sent, left = float(last["bytes_transmitted"]), float(last["bytes_remaining"])
        if len(after):
            nxt = after.iloc[0]
            span = float(nxt["time_s"]) - float(last["time_s"])
            f = (time_s - float(last["time_s"])) / span if span > 0 else 0.0
            sent += f * (float(nxt["bytes_transmitted"]) - sent)
            left += f * (float(nxt["bytes_remaining"]) - left)
        out.append({"migration": mig, "state": last["state"], "bytes_transmitted": sent,
                    "bytes_remaining": left})
    return pd.DataFrame(out, columns=["migration", "state", "bytes_transmitted", "bytes_remaining"])
