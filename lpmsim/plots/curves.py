"""Timings against a swept parameter: one line per policy or configuration, spread over seeds.

Takes a sweep table (one row per run and migration; see :class:`lpmsim.sweep.SweepResult`). For
each group (``by``) and x value the line is the mean over seeds and migrations, and the band spans
the minimum to the maximum (``spread="range"``) or one standard deviation (``"std"``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lpmsim.plots.common import finish, new_axes

LABELS = {"downtime_s": "downtime (s)", "total_time_s": "total time (s)",
          "postcopy_s": "post-copy window (s)", "bytes_sent": "bytes sent", "passes": "passes"}
SKIP = {"run", "point", "replicate", "seed"}


def default_groups(table: pd.DataFrame, x: str, keys: list[str] | None = None) -> list[str]:
    """The columns that tell lines apart: the other swept keys that vary, and ``policy`` (or
    ``migration``) when it varies."""
    cols = [k for k in (keys or []) if k != x and k in table and table[k].nunique() > 1]
    for extra in ("policy", "migration"):
        if any(c.rsplit(".", 1)[-1] == extra for c in cols):
            continue  # already told apart by a swept key of that name
        if extra in table and extra not in cols and table[extra].nunique() > 1:
            cols.append(extra)
    return cols


def curves(table: pd.DataFrame, x: str, y: str = "downtime_s", by: str | list[str] | None = None,
           *, spread: str | None = "range", keys: list[str] | None = None, logx: bool | None = None,
           unit: str = "", ax=None, path: str | Path | None = None):
    """Plot ``y`` against ``x``, one line per combination of ``by``; returns the Axes."""
    for col in [x, y]:
        if col not in table:
            raise ValueError(f"no column {col!r} in the table (columns: {', '.join(table.columns)})")
    by = default_groups(table, x, keys) if by is None else ([by] if isinstance(by, str) else list(by))
    ax = ax if ax is not None else new_axes()
    groups = table.groupby(by, sort=True, dropna=False) if by else [((), table)]
    for name, rows in groups:
        stats = rows.groupby(x, sort=True)[y].agg(["mean", "min", "max", "std"])
        name = name if isinstance(name, tuple) else (name,)
        label = ", ".join(f"{b.rsplit('.', 1)[-1]}={v}" for b, v in zip(by, name)) or y
        (line,) = ax.plot(stats.index, stats["mean"], marker="o", ms=3, label=label)
        if spread and len(rows) > len(stats):
            lo, hi = ((stats["min"], stats["max"]) if spread == "range"
                      else (stats["mean"] - stats["std"].fillna(0), stats["mean"] + stats["std"].fillna(0)))
            ax.fill_between(stats.index, lo, hi, color=line.get_color(), alpha=0.2, lw=0)
    xs = pd.to_numeric(table[x], errors="coerce")
    if logx is None:
        logx = bool(xs.notna().all() and (xs > 0).all() and xs.max() / xs.min() >= 20)
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(f"{x} ({unit})" if unit else x)
    ax.set_ylabel(LABELS.get(y, y))
    band = {"range": " (band: min-max over seeds)", "std": " (band: ±1 sd)"}.get(spread or "", "")
    ax.set_title(f"{LABELS.get(y, y)} against {x.rsplit('.', 1)[-1]}{band}", fontsize="medium")
    if np.isfinite(pd.to_numeric(table[y], errors="coerce")).any():
        ax.legend(loc="best", fontsize="small")
    return finish(ax, path)
