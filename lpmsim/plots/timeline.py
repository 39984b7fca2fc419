"""Timeline (Gantt) of the seed table's steps, one row per migration, suspend and resume marked."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

STEP_COLOURS = {
    1: "#d9d9d9", 2: "#969696", 3: "#9ecae1", 4: "#6baed6", 5: "#4292c6", 6: "#fd8d3c",
    7: "#d62728", 8: "#e7ba52", 9: "#74c476", 10: "#31a354", 11: "#bdbdbd",
}


def timeline(phases: pd.DataFrame, events: pd.DataFrame | None = None, *, ax=None,
             path: str | Path | None = None, guest: pd.DataFrame | None = None):
    """Draw one bar per phase; returns the Axes (and saves a PNG when ``path`` is given).
    ``guest`` (the run's guest frame) adds, under each bar, where the guest ran below
    its nominal rate: the darker, the slower (black = stopped)."""
    migrations = list(dict.fromkeys(phases["migration"]))
    if ax is None:
        _, ax = plt.subplots(figsize=(10, max(3.6, 1.2 + 0.45 * len(migrations))))  # room for the legend
    rows = {m: i for i, m in enumerate(migrations)}
    seen = set()
    for mig, step, phase, start, end in zip(phases["migration"], phases["step"].astype(int),
                                            phases["phase"], phases["start_s"].astype(float),
                                            phases["end_s"].astype(float)):
        label = f"{step} {phase}" if step not in seen else None
        seen.add(step)
        ax.barh(rows[mig], max(end - start, 0.0), left=start, height=0.6,
                color=STEP_COLOURS.get(step, "grey"), label=label)
    if events is not None and len(events):
        for name, marker in (("SUSPENDED", "v"), ("RESUMED", "^")):
            ev = events[(events["event"] == name) & events["migration"].isin(rows)]
            ax.scatter(ev["time_s"], [rows[m] for m in ev["migration"]], marker=marker,
                       color="black", zorder=3, s=18, label=name.lower())
    if guest is not None and len(guest):
        first = True
        for mig, start, end, g in zip(guest["migration"], guest["start_s"].astype(float),
                                      guest["end_s"].astype(float),
                                      guest["progress"].astype(float)):
            if mig in rows:
                ax.barh(rows[mig] + 0.38, max(end - start, 0.0), left=start, height=0.14,
                        color="black", alpha=min(1.0, max(0.05, 1 - g)),
                        label="guest slowed (darker: slower)" if first else None)
                first = False
    ax.set_yticks(range(len(migrations)), migrations)
    ax.invert_yaxis()
    ax.set_xlabel("time (s)")
    ax.set_title("Partition mobility timeline (seed table steps)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    if path is not None:
        ax.figure.tight_layout()
        ax.figure.savefig(path, dpi=110)
        plt.close(ax.figure)
    return ax
