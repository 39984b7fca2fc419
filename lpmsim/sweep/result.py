"""The result of a sweep: one tidy table, the runs that failed, and the files that keep them.

``table`` has one row per run and migration: ``run, point, replicate, seed``, one column per
swept key (named like the key), then the migration columns of a single run (MIGRATION_COLUMNS).
A swept column holds numbers when every value of its axis is a number or a quantity in one unit
(the unit is in ``units[key]``; quantities in mixed units of one kind are converted to bytes,
bytes/s or seconds), and the values as text otherwise (e.g. policy presets).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lpmsim.files import check_target, read_text, write_text
from lpmsim.sweep.grid import Axis, _quantity, _to_base

RUN_COLUMNS = ["run", "point", "replicate", "seed"]
FAILED_COLUMNS = RUN_COLUMNS + ["error"]
FORMAT = "lpmsim-sweep/1"


def axis_column(values) -> tuple[list, str]:
    """Values of one axis -> (column values, unit). Numbers when they can be, else text."""
    if all(isinstance(v, bool) for v in values):
        return list(values), ""
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return [float(v) for v in values], ""
    try:
        qs = [(float(v), "") if isinstance(v, (int, float)) and not isinstance(v, bool)
              else _quantity(v) for v in values]
        units = {u for _, u in qs}
        if len(units) == 1:
            return [v for v, _ in qs], units.pop()
        converted = [_to_base(v, u) for v, u in qs]
        if len({b for _, b in converted}) == 1:
            return [v for v, _ in converted], converted[0][1]
    except (TypeError, ValueError):
        pass
    return [_label(v) for v in values], ""


def _label(v) -> str:
    if isinstance(v, str):
        return v
    return json.dumps(v, sort_keys=True, default=str)


class SweepFolderError(ValueError):
    """A folder that is not a readable sweep (``lpmsim sweep --out``); the message names the file."""


@dataclass
class SweepResult:
    """Every run of a sweep. ``complete`` is False when any run failed (see ``failed``)."""

    table: pd.DataFrame
    failed: pd.DataFrame
    axes: list[Axis]
    units: dict[str, str]
    runs: int
    scenarios: dict[int, dict] = field(default_factory=dict, repr=False)  # point -> resolved
    manifest: dict = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return len(self.failed) == 0

    @property
    def keys(self) -> list[str]:
        return [a.key for a in self.axes]

    def problem(self) -> str:
        """'' when complete, else how many runs were lost and which."""
        if self.complete:
            return ""
        ids = self.failed["run"].tolist()
        shown = ", ".join(map(str, ids[:20])) + (", ..." if len(ids) > 20 else "")
        return (f"sweep incomplete: {len(ids)} of {self.runs} run(s) failed (run {shown}); "
                f"first error: {self.failed['error'].iloc[0]}")

    def summary(self, limit: int = 40) -> str:
        """Mean timings over seeds per point and migration, as text."""
        lines = []
        if len(self.table):
            by = ["point"] + self.keys + ["migration"]
            agg = (self.table.groupby(by, sort=True, dropna=False)
                   .agg(runs=("run", "nunique"), total_s=("total_time_s", "mean"),
                        downtime_s=("downtime_s", "mean"), passes=("passes", "mean"),
                        completed=("outcome", lambda s: f"{(s == 'completed').sum()}/{len(s)}"))
                   .reset_index().drop(columns="point"))
            text = agg.head(limit).to_string(index=False, float_format=lambda x: f"{x:.6g}")
            lines.append(text)
            if len(agg) > limit:
                lines.append(f"... {len(agg) - limit} more row(s)")
        m = self.manifest
        lines.append(f"\n{self.runs} run(s): {m.get('points', '?')} point(s) x "
                     f"{m.get('seeds', {}).get('count', '?')} seed(s); {len(self.table)} row(s); "
                     f"{self.runs - len(self.failed)} completed, {len(self.failed)} failed")
        if not self.complete:
            lines.append(self.problem())
        return "\n".join(lines)

    def save(self, out: str | Path) -> Path:
        """Write sweep.parquet, sweep.csv, failed.csv, scenarios/run-NNNNN.json, sweep.json."""
        out = Path(out)
        (out / "scenarios").mkdir(parents=True, exist_ok=True)
        runs = self.manifest.get("run_index", [])
        for name in ["sweep.parquet", "sweep.csv", "failed.csv", "sweep.json",
                     *(f"scenarios/run-{run:05d}.json" for run, _, _ in runs)]:
            check_target(out / name)  # never through a link; all checked before any write
        self.table.to_parquet(out / "sweep.parquet", index=False)
        self.table.to_csv(out / "sweep.csv", index=False)
        self.failed.to_csv(out / "failed.csv", index=False)
        index = []
        for run, point, seed in runs:
            name = f"scenarios/run-{run:05d}.json"
            if point in self.scenarios:
                write_text(out / name, json.dumps(self.scenarios[point] | {"seed": seed}, indent=1))
            index.append({"run": run, "point": point, "seed": seed, "scenario": name})
        manifest = {k: v for k, v in self.manifest.items() if k != "run_index"}
        manifest |= {"complete": self.complete, "failed": self.failed["run"].tolist(),
                     "files": {"table": ["sweep.parquet", "sweep.csv"], "failed": "failed.csv",
                               "scenarios": "scenarios/"},
                     "runs_index": index}
        write_text(out / "sweep.json", json.dumps(manifest, indent=1, default=_json_default))
        return out

    @classmethod
    def load(cls, folder: str | Path) -> SweepResult:
        """Read a folder written by :meth:`save` (for plots and notebooks). Raises
        SweepFolderError naming the file for a folder that is not one."""
        folder = Path(folder)
        try:
            manifest = json.loads(read_text(folder / "sweep.json"))
            axes = [Axis(str(a["key"]), tuple(a["values"]), str(a.get("group", "grid")))
                    for a in manifest.get("axes", [])]
            units = {a.key: str(u.get("unit", "")) for a, u in zip(axes, manifest.get("axes", []))}
            runs = int(manifest.get("runs", 0))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise SweepFolderError(f"{folder / 'sweep.json'}: cannot read: {exc}") from None
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise SweepFolderError(f"{folder / 'sweep.json'}: not a sweep manifest "
                                   f"(axes need key and values; {type(exc).__name__}: {exc})") from None
        try:
            table = (pd.read_parquet(folder / "sweep.parquet") if (folder / "sweep.parquet").exists()
                     else pd.read_csv(folder / "sweep.csv"))
            failed_path = folder / "failed.csv"
            failed = pd.read_csv(failed_path) if failed_path.exists() and failed_path.stat().st_size \
                else pd.DataFrame(columns=FAILED_COLUMNS)
        except Exception as exc:  # noqa: BLE001 - pyarrow and pandas raise many kinds
            raise SweepFolderError(f"{folder}: cannot read the sweep table: {type(exc).__name__}: "
                                   f"{' '.join(str(exc).split())[:300]}") from None
        return cls(table=table, failed=failed, axes=axes, units=units, runs=runs, manifest=manifest)


def _json_default(v):
    if hasattr(v, "item"):
        return v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return str(v)
