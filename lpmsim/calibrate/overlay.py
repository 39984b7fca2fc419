"""Write a fit as a scenario overlay (TOML tables addressed by name, see
:func:`lpmsim.scenario.overrides.flatten`) and as a readable report."""

from __future__ import annotations

import json
from pathlib import Path

from lpmsim.calibrate.fit import FitResult


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items() if x is not None) + " }"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {v!r} as TOML")


def overlay_text(fit: FitResult, header: str = "") -> str:
    """The fitted values as TOML: one table per scenario object, the last key as the value."""
    tables: dict[str, list[str]] = {}
    for key, value in fit.assignments:
        table, _, leaf = key.rpartition(".")
        tables.setdefault(table, []).append(f"{leaf} = {_toml_value(value)}")
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    for p in fit.params:
        lines.append(f"# {p.name}: {p.fmt(fit.values[p.name])} ({fit.determined[p.name]})")
    for table, entries in tables.items():
        lines += ["", f"[{table}]", *entries]
    return "\n".join(lines) + "\n"


def write_overlay(fit: FitResult, path: str | Path, header: str = "") -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(overlay_text(fit, header))
    return path


def report_text(fit: FitResult) -> str:
    rows = [("parameter", "initial", "fitted", "determined")]
    for p in fit.params:
        rows.append((p.name, p.fmt(fit.initial[p.name]), p.fmt(fit.values[p.name]),
                     fit.determined[p.name]))
    out = [_table(rows), ""]
    rows = [("row", "partition", "metric", "observed", "fitted", "residual")]
    for r in fit.residuals:
        rows.append((str(r["row"]), r["partition"], r["metric"], f"{r['observed']:.6g}",
                     f"{r['fitted']:.6g}", f"{r['rel_error']:+.2%}"))
    out += [_table(rows), "",
            f"least_squares: {fit.nfev} evaluations, cost {fit.cost:.3g}: {fit.message}"]
    return "\n".join(out)


def _table(rows) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
