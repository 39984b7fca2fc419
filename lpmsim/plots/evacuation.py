"""Evacuation chart: every partition's queue wait, transfer and downtime; link use below.

The top Axes has one row per migration: the wait for an admission slot (grey hatch), the HMC steps
(light grey), the memory transfer (blue), the downtime (red) and the post-copy window (amber). The
bottom Axes, sharing the time axis, is each link's utilisation (rate / capacity) as a step
function. An optional ``window`` (seconds from the first start) draws the maintenance window.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lpmsim.plots.common import finish

PARTS = [("queue wait", "#f0f0f0"), ("HMC steps", "#d9d9d9"), ("transfer", "#4292c6"),
         ("downtime", "#d62728"), ("post-copy", "#e7ba52")]


def _spans(m, phases: pd.DataFrame | None) -> list[tuple[str, float, float]]:
    admitted = m.start_s + (0 if np.isnan(m.queue_wait_s) else m.queue_wait_s)
    out = [("queue wait", m.start_s, admitted), ("HMC steps", admitted, m.end_s)]
    transfer = None
    if phases is not None and len(phases):
        ph = phases[(phases["migration"] == m.migration) & (phases["step"] == 6)]
        if len(ph):
            transfer = (float(ph["start_s"].iloc[0]), float(ph["end_s"].iloc[0]))
    if transfer is None and not np.isnan(m.suspend_s):
        transfer = (m.suspend_s - m.precopy_s, m.suspend_s)
    if transfer is not None:
        out.append(("transfer", *transfer))
    if not np.isnan(m.suspend_s) and not np.isnan(m.resume_s):
        out.append(("downtime", m.suspend_s, m.resume_s))
    if not np.isnan(m.resume_s) and not np.isnan(m.completed_s):
        out.append(("post-copy", m.resume_s, m.completed_s))
    return [(k, a, b) for k, a, b in out if not (np.isnan(a) or np.isnan(b))]


def evacuation(migrations: pd.DataFrame, links: pd.DataFrame | None = None,
               phases: pd.DataFrame | None = None, *, window: float | None = None, axes=None,
               path: str | Path | None = None):
    """Draw the chart; returns the top Axes (the link Axes is ``ax.figure.axes[1]``).
    ``axes`` may be a pair (top, bottom) to draw into."""
    if axes is None:
        n = len(migrations)
        _, axes = plt.subplots(2, 1, sharex=True, figsize=(10, 2.5 + 0.3 * n + 2.2),
                               gridspec_kw={"height_ratios": [max(2, 0.3 * n), 2.2]})
    top, bottom = axes
    colours = dict(PARTS)
    used = set()
    for row, m in enumerate(migrations.itertuples(index=False)):
        for kind, a, b in _spans(m, phases):
            top.barh(row, max(b - a, 0), left=a, height=0.3 if kind == "downtime" else 0.6,
                     color=colours[kind], edgecolor="#969696" if kind == "queue wait" else None,
                     hatch="//" if kind == "queue wait" else None,
                     label=kind if kind not in used else None, zorder=3 if kind == "downtime" else 2)
            used.add(kind)
        if m.outcome != "completed":
            top.annotate(m.outcome, (m.end_s, row), xytext=(4, 0), textcoords="offset points",
                         va="center", fontsize="x-small", color="#d62728")
    top.set_yticks(range(len(migrations)), list(migrations["migration"]))
    top.invert_yaxis()
    top.set_title("Evacuation: queue wait, transfer and downtime per partition")
    if window is not None:
        t0 = float(migrations["start_s"].min()) if len(migrations) else 0.0
        for a in (top, bottom):
            a.axvline(t0 + window, color="black", ls="--", lw=1,
                      label="window" if a is top else None)
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    if links is not None and len(links):
        for name, rows in links.groupby("link", sort=True):
            util = np.where(rows["capacity_Bps"] > 0, rows["rate_Bps"] / rows["capacity_Bps"], 0.0)
            bottom.step(rows["time_s"], 100 * util, where="post", label=str(name))
        bottom.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    bottom.set_ylim(0, 105)
    bottom.set_ylabel("link use (%)")
    bottom.set_xlabel("time (s)")
    finish(top, path)
    return top
