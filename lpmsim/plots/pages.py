"""Pages per pass of one migration: how pre-copy converges (or does not) over time.

Bars span each pass (start to end) with the pages it sent, coloured by stage (pre-copy passes,
the suspended stage, post-copy); the line is the pages still to send: at a pass's start the pages
it must send, at its end the pages dirtied meanwhile (``dirty_end``) that the next pass takes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lpmsim.plots.common import finish, new_axes

STAGE_COLOURS = {"precopy": "#4292c6", "suspended": "#d62728", "postcopy": "#e7ba52"}


def pages(passes: pd.DataFrame, migration: str | None = None, *, ax=None, log: bool = True,
          path: str | Path | None = None):
    """Draw the passes of ``migration`` (default: the first in the frame); returns the Axes.
    Raises ValueError when the frame has no pass of that migration."""
    if migration is None:
        if passes.empty:
            raise ValueError("the passes frame is empty: nothing to plot")
        migration = passes["migration"].iloc[0]
    rows = passes[passes["migration"] == migration].sort_values("pass")
    if rows.empty:
        raise ValueError(f"no passes of migration {migration!r} in the frame")
    ax = ax if ax is not None else new_axes()
    seen = set()
    starts, ends = rows["start_s"].astype(float), rows["end_s"].astype(float)
    for stage, start, end, sent in zip(rows["stage"], starts, ends, rows["pages"].astype(float)):
        label = stage if stage not in seen else None
        seen.add(stage)
        ax.bar(start, sent, width=max(end - start, 1e-9), align="edge", alpha=0.55,
               edgecolor="white", color=STAGE_COLOURS.get(stage, "grey"),
               label=f"sent ({label})" if label else None)
    xs: list[float] = []
    ys: list[float] = []
    pre = rows[rows["stage"] == "precopy"]
    for start, end, sent, left in zip(pre["start_s"].astype(float), pre["end_s"].astype(float),
                                      pre["pages"].astype(float), pre["dirty_end"].astype(float)):
        xs += [start, end]
        ys += [sent, left]
    if xs:
        ax.plot(xs, ys, color="black", marker="o", ms=3, lw=1.2, label="pages remaining")
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("pages")
    ax.set_title(f"{migration}: pages sent per pass and pages remaining")
    ax.legend(loc="best", fontsize="small")
    return finish(ax, path)
