"""Write a fit as a scenario overlay (TOML tables addressed by name, see
:func:`lpmsim.scenario.overrides.flatten`) and as a readable report."""

from __future__ import annotations

from pathlib import Path

import tomli_w

from lpmsim.calibrate.fit import FitResult
from lpmsim.files import check_target, write_text
from lpmsim.scenario.overrides import split_path


def overlay_dict(fit: FitResult) -> dict:
    """The fitted assignments as nested tables: (("vios", "A 1", "msp_throughput"), v) ->
    {"vios": {"A 1": {"msp_throughput": v}}}."""
    out: dict = {}
    for key, value in fit.assignments:
        *tables, leaf = split_path(key)
        node = out
        for part in tables:
            node = node.setdefault(part, {})
        node[leaf] = _without_none(value)
    return out


def _without_none(value):
    """TOML has no null: an unset option (None) is left out, as the schema's default."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_without_none(v) for v in value]
    return value


def overlay_text(fit: FitResult, header: str = "") -> str:
    """The fitted values as TOML, written by tomli-w so that every name is quoted as TOML needs
    (a partition named ``a]\nb = 1`` stays a name, issue 15)."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    for p in fit.params:
        lines.append(f"# {p.name}: {p.fmt(fit.values[p.name])} ({fit.determined[p.name]})")
    comments = "".join(f"{' '.join(line.splitlines())}\n" for line in lines)
    return comments + "\n" + tomli_w.dumps(overlay_dict(fit))


def write_overlay(fit: FitResult, path: str | Path, header: str = "", force: bool = True) -> Path:
    """Write the overlay; with ``force=False`` an existing file is kept (FileExistsError)."""
    path = Path(path)
    if check_target(path) and not force:
        raise FileExistsError(f"{path} exists; add --force to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, overlay_text(fit, header))
    return path


def report_text(fit: FitResult) -> str:
    rows = [("parameter", "initial", "fitted", "determined")]
    for p in fit.params:
        rows.append((p.name, p.fmt(fit.initial[p.name]), p.fmt(fit.values[p.name]),
                     fit.determined[p.name]))
    out = [_table(rows), ""]
    residuals = [("row", "partition", "metric", "observed", "fitted", "residual")]
    for r in fit.residuals:
        residuals.append((str(r["row"]), r["partition"], r["metric"], f"{r['observed']:.6g}",
                     f"{r['fitted']:.6g}", f"{r['rel_error']:+.2%}"))
    out += [_table(residuals), "",
            f"least_squares: {fit.nfev} evaluations, cost {fit.cost:.3g}: {fit.message}"]
    return "\n".join(out)


def _table(rows) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
