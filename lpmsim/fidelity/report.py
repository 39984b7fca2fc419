"""Run validation cases and compare with the published figures: table, Markdown, CSV, scatter.

Relative error = (simulated - measured) / measured. For a figure published as a range the
measured value is its midpoint (the range is shown); for a bound (``lower``: "at least") the
error is still signed against the bound, and ``within`` says whether the bound holds.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from lpmsim.fidelity.cases import Case
from lpmsim.files import check_target, write_text
from lpmsim.results import RunResult
from lpmsim.results.frames import tuples
from lpmsim.world import simulate
from lpmsim.units import fmt_bytes, fmt_duration

#: metric -> (label, how to format a value)
METRICS: dict[str, tuple[str, Callable[[float], str]]] = {
    "total_time_s": ("total time", fmt_duration),
    "downtime_s": ("downtime", fmt_duration),
    "bytes_sent": ("bytes sent", fmt_bytes),
    "pages_sent": ("pages sent", lambda v: f"{v:,.0f}"),
    "passes": ("pre-copy passes", lambda v: f"{v:.0f}"),
    "rounds": ("rounds (incl. last)", lambda v: f"{v:.0f}"),
    "round1_pages": ("round-1 pages", lambda v: f"{v:,.0f}"),
    "round1_s": ("round-1 time", fmt_duration),
    "ram_bytes": ("RAM bytes", fmt_bytes),
    "syncs": ("bitmap syncs", lambda v: f"{v:.0f}"),
    "zero_pages": ("zero pages", lambda v: f"{v:,.0f}"),
    "setup_s": ("setup time", fmt_duration),
    "converged": ("converged", lambda v: "yes" if v else "no"),
    "postcopy_s": ("post-copy phase", fmt_duration),
    "demand_requests": ("demand requests", lambda v: f"{v:,.0f}"),
    "rate_drop": ("guest rate drop", lambda v: f"{v:.0%}"),
    "stall_s": ("guest stall", fmt_duration),
}

COLUMNS = ["case", "family", "platform", "metric", "measured", "simulated", "rel_error", "within",
           "outcome", "note"]


#: Where a measurement window ends after completion: half of the dirtier's 1-s report interval
#: (the first report after completion closes it, at a uniformly random phase).
WINDOW_END_S = 0.5


def window_drop(result: RunResult, window: float) -> float:
    """The share of the guest's nominal work not done over ``window`` seconds ending
    WINDOW_END_S after completion: its slowed intervals (the guest frame) and the downtime."""
    m = result.migrations.iloc[0]
    end = float(m["completed_s"]) + WINDOW_END_S
    start = end - window

    def overlap(a: float, b: float) -> float:
        return max(0.0, min(b, end) - max(a, start))

    p = result.guest[result.guest["migration"] == m["migration"]]
    lost = sum(overlap(a, b) * (1 - g) for a, b, g in
               zip(p["start_s"].astype(float), p["end_s"].astype(float), p["progress"].astype(float)))
    if not math.isnan(float(m["suspend_s"])):
        lost += overlap(float(m["suspend_s"]), float(m["resume_s"]))
    return lost / window


def simulated(result: RunResult, windows: dict[str, float] | None = None) -> dict[str, float]:
    """The figures a case can be compared on, from one run's frames; ``windows`` gives the
    measurement window of a figure measured over one (rate_drop)."""
    windows = windows or {}
    m = result.migrations.iloc[0]
    passes = result.passes[result.passes["migration"] == m["migration"]]
    first = passes[(passes["pass"] == 1) & (passes["stage"] == "precopy")]
    return {
        "total_time_s": float(m["total_time_s"]),
        "downtime_s": float(m["downtime_s"]),
        "bytes_sent": float(m["bytes_sent"]),
        "pages_sent": float(passes["pages"].sum()),
        "passes": float(m["passes"]),
        "rounds": float(m["passes"]) + 1.0,   # pre-copy passes + the stop-and-copy round
        "round1_pages": float(first["pages"].sum()) if len(first) else math.nan,
        "round1_s": float((first["end_s"] - first["start_s"]).sum()) if len(first) else math.nan,
        "ram_bytes": float(m["ram_bytes"]),
        "syncs": float(m["syncs"]),
        "zero_pages": float(m["zero_pages"]),
        "setup_s": float(m["setup_s"]),
        "converged": 1.0 if m["outcome"] == "completed" else 0.0,
        "postcopy_s": float(m["postcopy_s"]),
        "demand_requests": float(m["demand_requests"]),
        "stall_s": float(m["stall_s"]),
        "rate_drop": (window_drop(result, windows["rate_drop"]) if "rate_drop" in windows
                      else float(m["rate_drop"])),
        "outcome": m["outcome"],
    }


def run_case(case: Case, seed: int | None = None) -> dict[str, float]:
    return simulated(simulate(case.scenario, seed=seed), case.windows)


def run_cases(cases: list[Case], seed: int | None = None) -> dict[str, dict[str, float]]:
    return {case.name: run_case(case, seed) for case in cases}


def report_frame(cases: list[Case], sims: dict[str, dict[str, float]] | None = None) -> pd.DataFrame:
    """One row per (case, published figure)."""
    sims = sims if sims is not None else run_cases(cases)
    rows = []
    for case in cases:
        sim = sims[case.name]
        for metric, value in case.measured.items():
            got = sim[metric]
            err = (got - value) / value if value else (0.0 if got == value else math.nan)
            note, within = "", math.nan
            if metric in case.ranges:
                lo, hi = case.ranges[metric]
                within = float(lo <= got <= hi)
                note = f"published range {METRICS[metric][1](lo)}-{METRICS[metric][1](hi)}"
            if metric in case.bounds:
                kind = case.bounds[metric]
                within = float(got >= value if kind == "lower" else got <= value)
                note = f"{kind} bound ({'at least' if kind == 'lower' else 'at most'})"
            rows.append({"case": case.name, "family": case.family or "published",
                         "platform": case.platform, "metric": metric,
                         "measured": value, "simulated": got, "rel_error": err,
                         "within": within, "outcome": sim["outcome"], "note": note})
    return pd.DataFrame(rows, columns=COLUMNS)


def errors_dict(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    """{case: {metric: |relative error|}} rounded to 4 decimals (for validation/errors.json)."""
    out: dict[str, dict[str, float]] = {}
    for r in tuples(frame):
        out.setdefault(r.case, {})[r.metric] = round(abs(float(r.rel_error)), 4)
    return out


def _fmt(metric: str, v: float) -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else METRICS[metric][1](v)


def table_text(frame: pd.DataFrame) -> str:
    """A plain-text table for the terminal."""
    rows = [("case", "metric", "measured", "simulated", "error", "note")]
    for r in tuples(frame):
        rows.append((r.case, METRICS[r.metric][0], _fmt(r.metric, r.measured),
                     _fmt(r.metric, r.simulated), f"{r.rel_error:+.1%}", r.note))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def report_markdown(cases: list[Case], frame: pd.DataFrame) -> str:
    lines = ["# lpmsim fidelity report", "",
             "Generated by `lpmsim fidelity` from the case files in `validation/`. Relative error ="
             " (simulated - measured) / measured. Nothing is tuned per case: the parameters a source"
             " leaves open come from the scenario and preset defaults or from the assumptions each"
             " case lists below.", "",
             "| case | metric | measured | simulated | rel. error | note |",
             "|---|---|---:|---:|---:|---|"]
    for r in tuples(frame):
        lines.append(f"| {r.case} | {METRICS[r.metric][0]} | {_fmt(r.metric, r.measured)} | "
                     f"{_fmt(r.metric, r.simulated)} | {r.rel_error:+.1%} | {r.note} |")
    lines += ["", "## Targets per family", "", "| family | figure | statistic | target | value | "
              "met | known gap |", "|---|---|---|---:|---:|---|---|"]
    from lpmsim.fidelity.targets import summary
    for t in tuples(summary(frame)):
        lines.append(f"| {t.family} | {METRICS[t.metric][0]} | {t.stat} | {t.bound:g} | "
                     f"{t.value:.3f} | {'yes' if t.met else 'no'} | {t.known_gap} |")
    from lpmsim.fidelity.targets import setup_free
    free = setup_free(frame)
    if len(free):
        lines += ["", "## Total time after setup (qemu-dev)", "",
                  "QEMU's setup is the first bitmap sync; on the loaded qemu-dev host it spreads "
                  "over 393-1137 ms for one guest size and no input of a row predicts where. With "
                  "each run's measured setup in place of the platform's, the total-time "
                  f"|relative error| is {free.median():.1%} at the median and "
                  f"{free.quantile(0.9):.1%} at p90 ({len(free)} runs; a diagnostic, not a "
                  "target)."]
    lines += ["", "![measured vs simulated](scatter.png)", "", "## Cases", ""]
    for case in cases:
        lines += [f"### {case.name}: {case.title}", "", f"- Source: {case.citation}"]
        if case.url:
            lines.append(f"- URL: {case.url}")
        if case.message_id:
            lines.append(f"- Message-ID: {case.message_id}")
        if case.published:
            lines.append(f"- Published: {case.published}")
        lines.append("- Assumptions:")
        lines += [f"  - **{k}**: {v}" for k, v in case.assumptions.items()]
        lines.append("")
    return "\n".join(lines)


def scatter(frame: pd.DataFrame, path: str | Path | None = None):
    """Measured vs simulated on log axes, one panel per kind of figure, with the y = x line."""
    import matplotlib.pyplot as plt

    groups = {"time (s)": ["total_time_s", "downtime_s", "round1_s", "setup_s", "postcopy_s",
                           "stall_s"],
              "bytes": ["bytes_sent", "ram_bytes"],
              "count": ["pages_sent", "round1_pages", "passes", "rounds", "syncs",
                        "demand_requests"],
              "share": ["rate_drop"]}
    present = {k: v for k, v in groups.items() if frame["metric"].isin(v).any()}
    fig, axes = plt.subplots(1, len(present), figsize=(5 * len(present), 4.6), squeeze=False)
    markers = dict(zip(sorted(frame["metric"].unique()), "osD^v<>pPX*h" * 3))
    for ax, (label, metrics) in zip(axes[0], present.items()):
        sub = frame[frame["metric"].isin(metrics)]
        for metric, part in sub.groupby("metric"):
            ax.scatter(part["measured"], part["simulated"], marker=markers[metric], s=30,
                       alpha=0.7, label=METRICS[str(metric)][0])
        vals = pd.concat([sub["measured"], sub["simulated"]])
        vals = vals[vals > 0]
        lo, hi = vals.min() / 2, vals.max() * 2
        ax.plot([lo, hi], [lo, hi], "k--", lw=1, label="y = x")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_xlabel(f"measured {label}")
        ax.set_ylabel(f"simulated {label}")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=6, loc="upper left")
    fig.suptitle("lpmsim vs published measurements")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
        plt.close(fig)
    return fig


def write_report(cases: list[Case], out: str | Path, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Write report.md, report.csv and scatter.png into ``out``; return the table."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("report.csv", "report.md", "scatter.png"):
        check_target(out / name)
    frame = frame if frame is not None else report_frame(cases)
    frame.to_csv(out / "report.csv", index=False)
    write_text(out / "report.md", report_markdown(cases, frame) + "\n")
    scatter(frame, out / "scatter.png")
    return frame


def write_errors(frame: pd.DataFrame, path: str | Path) -> None:
    write_text(path, json.dumps(errors_dict(frame), indent=2, sort_keys=True) + "\n")
