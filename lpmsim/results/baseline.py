"""Timing baselines: pin a run's figures in a JSON file, and later compare a run against it.

A baseline holds, per migration, the timings a capacity plan or a regression test cares about
(total time, downtime, post-copy window, bytes sent, passes, outcome) and the start and end of
every step of the seed table. :func:`compare` lines a new run up against it figure by figure.

A number *moves* when ``|new - old| > max(tolerance * |old|, floor)``: the tolerance is relative,
and the floor (1 ms for times, 1 MiB for bytes, 0 for counts) keeps near-zero values from
failing on noise. A changed outcome, or a migration or step that appears or disappears, always
counts as moved.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from lpmsim.files import check_target, read_text, write_text
from lpmsim.results.frames import tuples

FORMAT = "lpmsim-baseline/1"
FIGURES = ["total_time_s", "downtime_s", "postcopy_s", "bytes_sent", "passes", "outcome"]
FLOORS = {"s": 1e-3, "bytes": 2.0**20, "count": 0.0}
COLUMNS = ["migration", "figure", "baseline", "current", "diff", "rel", "moved"]


class BaselineError(ValueError):
    """A baseline file that cannot be read; the message names the file."""


def _kind(figure: str) -> str:
    if figure.endswith("bytes_sent"):
        return "bytes"
    if figure == "passes":
        return "count"
    return "s"


def _plain(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def baseline_of(result) -> dict:
    """The baseline dict of a RunResult (what :func:`save_baseline` writes)."""
    migrations = [{k: _plain(row[k]) for k in ["migration"] + FIGURES}
                  for row in result.migrations.to_dict("records")]
    phases = [{"migration": r["migration"], "step": int(r["step"]), "phase": r["phase"],
               "start": _plain(r["start_s"]), "end": _plain(r["end_s"])}
              for r in result.phases.to_dict("records")]
    return {"format": FORMAT, "scenario": result.scenario.name, "seed": result.seed,
            "migrations": migrations, "phases": phases}


def save_baseline(result, path: str | Path, *, force: bool = True, **extra) -> Path:
    """Write the baseline of ``result`` (a RunResult) as JSON; ``extra`` keys are stored too.
    With ``force=False`` an existing file is kept (FileExistsError): a pinned baseline is
    replaced on purpose only (``lpmsim run --save-baseline FILE --force``)."""
    path = Path(path)
    if check_target(path) and not force:
        raise FileExistsError(f"{path} exists; add --force to replace this baseline")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, json.dumps(baseline_of(result) | extra, indent=1) + "\n")
    return path


def load_baseline(path: str | Path) -> dict:
    path = Path(path)
    try:
        data = json.loads(read_text(path))
    except FileNotFoundError:
        raise BaselineError(f"no such baseline file: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        why = "nested too deeply" if isinstance(exc, RecursionError) else exc
        raise BaselineError(f"cannot read baseline {path}: {why}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BaselineError(f"{path} is not an lpmsim baseline (expected format {FORMAT!r}; "
                            "write one with `lpmsim run --save-baseline FILE`)")
    if problems := _shape_problems(data):
        raise BaselineError(f"{path} is not a readable baseline: " + "; ".join(problems))
    return data


_FIGURE_TYPES: dict[str, type | tuple[type, ...]] = {"migration": str, "outcome": (str, type(None))}
_PHASE_TYPES: dict[str, type | tuple[type, ...]] = {"migration": str, "step": int, "phase": str, "start": (int, float, type(None)),
                "end": (int, float, type(None))}


def _shape_problems(data: dict) -> list[str]:
    """Every key a comparison reads, with its type: all problems at once (the first 20)."""
    out = []
    seed = data.get("seed")
    if not (isinstance(seed, int) and not isinstance(seed, bool) and seed >= 0):
        out.append(f"seed must be a non-negative integer, got {seed!r}")
    for table, types in (("migrations", _FIGURE_TYPES), ("phases", _PHASE_TYPES)):
        rows = data.get(table)
        if not isinstance(rows, list):
            out.append(f"{table} must be a list, got {type(rows).__name__}")
            continue
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                out.append(f"{table}[{i}] must be an object")
                continue
            for key, kind in types.items():
                if key not in row:
                    out.append(f"{table}[{i}] has no {key!r}")
                elif isinstance(row[key], bool) or not isinstance(row[key], kind):
                    out.append(f"{table}[{i}].{key} has the wrong type ({row[key]!r})")
            for f in FIGURES[:-1] if table == "migrations" else ():
                v = row.get(f)
                if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
                    out.append(f"{table}[{i}].{f} must be a number or null, got {v!r}")
    return out[:20]


def _figures(data: dict) -> dict[tuple[str, str], object]:
    out: dict[tuple[str, str], object] = {}
    for m in data["migrations"]:
        for f in FIGURES:
            out[(m["migration"], f)] = m.get(f)
    for p in data["phases"]:
        name = f"step {p['step']} {p['phase']}"
        out[(p["migration"], f"{name} start")] = p["start"]
        out[(p["migration"], f"{name} end")] = p["end"]
    return out


def _moved(figure: str, old, new, tolerance: float, floors: dict) -> tuple[float | None, float | None, bool]:
    if old is None or new is None or isinstance(old, str) or isinstance(new, str):
        return None, None, old != new
    old, new = float(old), float(new)
    if math.isnan(old) or math.isnan(new):
        return None, None, math.isnan(old) != math.isnan(new)
    diff = new - old
    rel = diff / abs(old) if old else (0.0 if diff == 0 else math.inf)
    return diff, rel, abs(diff) > max(tolerance * abs(old), floors[_kind(figure)])


def compare(result, baseline: dict | str | Path, tolerance: float = 0.05,
            floors: dict | None = None) -> pd.DataFrame:
    """Every figure of ``result`` against ``baseline`` (a dict or a file), one row each:
    migration, figure, baseline, current, diff, rel (diff / |baseline|), moved (bool).
    Figures present on one side only are rows with the other side None, and moved.
    ``floors`` overrides the absolute floors by kind ("s", "bytes", "count")."""
    floors = FLOORS | (floors or {})
    if not isinstance(baseline, dict):
        baseline = load_baseline(baseline)
    if not (isinstance(tolerance, (int, float)) and tolerance >= 0):
        raise ValueError(f'"tolerance" must be a number >= 0, got {tolerance!r}')
    old, new = _figures(baseline), _figures(baseline_of(result))
    rows = []
    for key in list(old) + [k for k in new if k not in old]:
        o, n = _plain(old.get(key)), _plain(new.get(key))
        diff, rel, moved = _moved(key[1], o, n, tolerance, floors)
        moved = moved or key not in old or key not in new
        rows.append((key[0], key[1], o, n, diff, rel, moved))
    return pd.DataFrame(rows, columns=COLUMNS).astype({"baseline": object, "current": object})


def parse_tolerance(text: str | float) -> float:
    """``"5%"`` -> 0.05; ``"0.05"`` -> 0.05. Raises ValueError for anything else."""
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        t = str(text).strip()
        try:
            value = float(t[:-1]) / 100 if t.endswith("%") else float(t)
        except ValueError:
            raise ValueError(f"tolerance {text!r} is not a number or a percentage (e.g. 5%)") from None
    if not value >= 0:
        raise ValueError(f"tolerance {text!r} must be >= 0")
    return value


def format_table(diffs: pd.DataFrame, only_changed: bool = True) -> str:
    """The comparison as text; by default only the figures that differ at all."""
    rows = diffs
    if only_changed:
        rows = diffs[diffs["moved"] | diffs["diff"].fillna(0).ne(0)
                     | (diffs["baseline"].astype(str) != diffs["current"].astype(str))]
    if rows.empty:
        return "no differences"

    def cell(v):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "-"
        return f"{v:.6g}" if isinstance(v, float) else str(v)

    table = [["migration", "figure", "baseline", "current", "diff", "rel", ""]]
    for r in tuples(rows):
        rel = "-" if r.rel is None or (isinstance(r.rel, float) and math.isnan(r.rel)) else f"{r.rel:+.2%}"
        table.append([str(r.migration), r.figure, cell(r.baseline), cell(r.current), cell(r.diff),
                      rel, "MOVED" if r.moved else ""])
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
