"""Bytes remaining per migration over time, from the ``progress`` frame (lslparmigr's view):
one line per migration, or (``stacked=True``, an evacuation) the remaining bytes of all of
them stacked, so the top edge is what the whole frame still has to move."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lpmsim.plots.common import finish, new_axes

GIB = 2.0**30


def progress(frame: pd.DataFrame, *, stacked: bool = False, ax=None,
             path: str | Path | None = None):
    if frame.empty:
        raise ValueError("the progress frame is empty: nothing to plot")
    ax = ax if ax is not None else new_axes((10, 4.5))
    groups = list(frame.groupby("migration", sort=False))
    if stacked:
        grid = np.unique(frame["time_s"].astype(float).to_numpy())
        ys = []
        for _, rows in groups:
            t, left = rows["time_s"].astype(float).to_numpy(), rows["bytes_remaining"].astype(float).to_numpy()
            # before its first sample a migration has its first value (it waits in the queue)
            ys.append(np.interp(grid, t, left, left=left[0], right=left[-1]) / GIB)
        ax.stackplot(grid, ys, labels=[str(name) for name, _ in groups], alpha=0.85)
        ax.set_title("Evacuation: bytes remaining, stacked by migration")
    else:
        for name, rows in groups:
            ax.plot(rows["time_s"].astype(float), rows["bytes_remaining"].astype(float) / GIB,
                    label=str(name))
        ax.set_title("Bytes remaining per migration (lslparmigr view)")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("bytes remaining (GiB)")
    if len(groups) <= 16:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    return finish(ax, path)
