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

import pandas as pd

COLUMNS = ["migration", "time_s", "state", "bytes_transmitted", "bytes_remaining"]

#: seed-table step -> the state an HMC user sees while it runs
STEP_STATES = {6: "Migration In Progress", 7: "Suspended", 8: "Resumed"}
STAGE_STATES = {"precopy": "Migration In Progress", "suspended": "Suspended",
                "postcopy": "Resumed"}


def progress_frame(migrations: pd.DataFrame, phases: pd.DataFrame, passes: pd.DataFrame,
                   page_wire: dict[str, float]) -> pd.DataFrame:
    """``page_wire``: wire bytes of one page, per migration."""
    rows: list[tuple] = []
    by_phase = {k: g for k, g in phases.sort_values("start_s", kind="stable").groupby("migration", sort=False)}
    by_pass = {k: g for k, g in passes.sort_values("start_s", kind="stable").groupby("migration", sort=False)}
    none = passes.iloc[0:0]
    for m in migrations.to_dict("records"):
        mig = m["migration"]
        ph, ps = by_phase.get(mig), by_pass.get(mig, none)
        if ph is None or ph.empty:
            continue
        sent = 0.0
        left = float(ps["bytes_sent"].iloc[0]) if len(ps) else 0.0
        for step, start in zip(ph["step"].astype(int), ph["start_s"].astype(float)):
            if step > 6 and step in STEP_STATES:
                continue  # the passes give these states, with their bytes
            state = STEP_STATES.get(step, "Migration Starting" if step < 6 else "Completing")
            rows.append((mig, start, state, sent, left))
            if step != 6:
                continue
            for stage, a, b, nbytes, dirty in zip(ps["stage"], ps["start_s"].astype(float),
                                                  ps["end_s"].astype(float),
                                                  ps["bytes_sent"].astype(float),
                                                  ps["dirty_end"].astype(float)):
                rows.append((mig, a, STAGE_STATES.get(stage, "Migration In Progress"), sent, left))
                sent += nbytes
                left = max(0.0, dirty) * page_wire.get(mig, 0.0)
                rows.append((mig, b, STAGE_STATES.get(stage, "Migration In Progress"), sent, left))
        done = m["outcome"] == "completed"
        end = max(float(m["end_s"]), float(ph["end_s"].max()))  # after step 10/11 too
        rows.append((mig, end, "Not Migrating" if done else f"Migration {m['outcome']}",
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
