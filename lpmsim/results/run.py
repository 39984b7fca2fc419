"""The result of one run: DataFrames, the resolved scenario and the seed, a summary, files."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lpmsim.files import check_target, write_text
from lpmsim.results.frames import tuples
from lpmsim.scenario import Scenario
from lpmsim.units import fmt_bytes, fmt_duration

JSON_FIELDS = ["migration", "partition", "mode", "policy", "outcome", "total_time_s",
               "downtime_s", "postcopy_s", "bytes_sent", "passes", "stop_reason",
               "queue_wait_s", "demand_faults", "demand_requests", "stall_s", "rate_drop"]


@dataclass
class RunResult:
    scenario: Scenario
    seed: int
    migrations: pd.DataFrame
    phases: pd.DataFrame
    passes: pd.DataFrame
    events: pd.DataFrame
    links: pd.DataFrame
    guest: pd.DataFrame      # where the guest ran below its nominal pace (see README)
    progress: pd.DataFrame   # lslparmigr-style state and bytes over time
    inventories: dict = field(default_factory=dict)  # "before"/"after" snapshots, if recorded
    wall_s: float = float("nan")   # wall time of the simulation
    event_count: int = 0           # SimPy events processed

    FRAMES = ("migrations", "phases", "passes", "events", "links", "guest", "progress")

    @property
    def makespan(self) -> float:
        """From the first migration's start to the last one's end of step 9 (seconds)."""
        m = self.migrations
        return float(m["end_s"].max() - m["start_s"].min()) if len(m) else 0.0

    def to_json(self) -> list[dict]:
        """One dict per migration (NaN -> None), for ``lpmsim run --json``."""
        rows = self.migrations[JSON_FIELDS].to_dict("records")
        return [{k: _plain(v) for k, v in row.items()} for row in rows]

    def summary(self) -> str:
        rows = [("migration", "mode", "policy", "outcome", "queued", "total", "downtime",
                 "post-copy", "sent", "passes", "stop")]
        for r in tuples(self.migrations):
            rows.append((r.migration, r.mode, r.policy, r.outcome, fmt_duration(r.queue_wait_s),
                         fmt_duration(r.total_time_s),
                         fmt_duration(r.downtime_s), fmt_duration(r.postcopy_s),
                         fmt_bytes(r.bytes_sent), str(r.passes), _text(r.stop_reason, "-")))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        lines.append(f"\nscenario {self.scenario.name!r}, seed {self.seed}: "
                     f"{len(self.migrations)} migration(s), makespan {fmt_duration(self.makespan)}")
        for r in tuples(self.migrations):
            if not pd.isna(r.reason) and r.reason:
                lines.append(f"  {r.migration}: {r.outcome}: {r.reason}")
        return "\n".join(lines)

    def save(self, out: str | Path, parquet: bool = True) -> Path:
        """Write every frame as CSV (and Parquet), the resolved scenario as JSON, the run's
        facts (lpmsim version, seed, wall time, events, per-migration figures) as run.json and
        the summary as text."""
        from lpmsim import __version__

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        names = [f"{n}.{ext}" for n in self.FRAMES for ext in ("csv", "parquet")[:1 + parquet]]
        names += ["scenario.json", "run.json", "summary.txt"]
        for name in names:  # every target checked before any is written
            check_target(out / name)
        for name in self.FRAMES:
            frame = getattr(self, name)
            frame.to_csv(out / f"{name}.csv", index=False)
            if parquet:
                frame.to_parquet(out / f"{name}.parquet", index=False)
        write_text(out / "scenario.json", json.dumps(self.scenario.to_dict(), indent=2))
        facts = {"lpmsim": __version__, "scenario": self.scenario.name, "seed": self.seed,
                 "wall_s": _plain(self.wall_s), "events": self.event_count,
                 "migrations": self.to_json()}
        write_text(out / "run.json", json.dumps(facts, indent=2))
        write_text(out / "summary.txt", self.summary() + "\n")
        return out


def _text(v, empty: str = "") -> str:
    """A text cell, NA as ``empty``."""
    return empty if v is None or pd.isna(v) or v == "" else str(v)


def _plain(v):
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v
