"""Targets per case family: what "faithful" means, stated once, checked by the tests.

A family is a set of cases measured the same way (``family`` in the case file). Each target is
a statistic of the family's errors and a bound:

- ``median`` / ``p90``: of |relative error| of a figure over the family's cases;
- ``all``: every case right (convergence: converged in reality iff completed in the model);
- ``band``: the share of cases whose value lies within max(10 ms, 50 %) of the measured one;
- ``factor``: the median of |log2(simulated / measured)| (1.0 = within a factor of 2);
- ``abs_median``: the median of |simulated - measured| (for shares such as the rate drop);
- ``spearman``: the rank correlation of simulated and measured values (a minimum).

A target the model does not meet yet is a **known gap**: listed in :data:`KNOWN_GAPS` with the
reason and the value it stands at, shown in the report, and held there by the tests (it may
improve, never worsen). Nothing is silently accepted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Target:
    family: str
    metric: str
    stat: str      # "median", "p90", "all", "band", "factor", "abs_median", "spearman"
    bound: float   # max for median/p90/factor/abs_median; min for all/band/spearman


TARGETS = (
    # issue 11, on shared/validation/qemu-dev/measurements.csv
    Target("qemu-dev", "total_time_s", "median", 0.03),
    Target("qemu-dev", "total_time_s", "p90", 0.08),
    Target("qemu-dev", "ram_bytes", "median", 0.02),
    Target("qemu-dev", "converged", "all", 1.0),
    Target("qemu-dev", "downtime_s", "band", 0.90),
    # issue 12, on shared/validation/qemu-dev/postcopy.csv
    Target("qemu-dev-postcopy", "postcopy_s", "median", 0.10),
    Target("qemu-dev-postcopy", "postcopy_s", "p90", 0.25),
    Target("qemu-dev-postcopy", "downtime_s", "band", 0.80),
    Target("qemu-dev-postcopy", "demand_requests", "factor", 1.0),   # within 2x at the median
    Target("qemu-dev-postcopy", "rate_drop", "abs_median", 0.15),    # 15 percentage points
    Target("qemu-dev-postcopy", "rate_drop", "spearman", 0.80),
    # published single figures (mailing lists, IBM): total time within 30 % at p90
    Target("published", "total_time_s", "p90", 0.30),
)

#: (family, metric, stat) -> (the value it stands at, why the target is not met)
KNOWN_GAPS: dict[tuple[str, str, str], tuple[float, str]] = {
    ("qemu-dev", "total_time_s", "median"): (0.034, (
        "the setup's spread: with each run's measured setup in place of the platform's the "
        "median is 1.2 % (see 'Total time after setup'). Besides, "
        "most converged runs are short, by 0.02-0.2 s from the setup's end to the stop once "
        "the setup's own variation (393-1137 ms for one guest size) is taken out, while the "
        "bytes match "
        "(median -0.3 %). Pass 1 ends 0.02-0.1 s later in QEMU, and the idle runs stop "
        "28-73 ms after the window whose test fires. The series show where part of it goes: "
        "RAM is laid out in long runs (the kernel and the working set at the bottom, runs of "
        "50-190 k zero pages), and a window spent in a zero run sends little of its quota, at "
        "0.6-2.4 us of the thread per zero page (zero_page_time, 1.03 us over the set, "
        "modelled with the zero pages interleaved, where under these caps the reads hide in "
        "each window's sleep). Not modelled: the layout in runs, which is not an input of a "
        "row.")),
    ("qemu-dev", "downtime_s", "band"): (0.875, (
        "2 of 16 out of band: 111 (+88 %) and 113 (+122 %): downtimes of 72 and 10 ms against "
        "one loopback speed and device-state cost estimated over the set (the measured "
        "bytes/downtime ranges 0.1-1.7 GiB/s on the loaded host; 113 moved 9.6 MB in 10 ms). "
        "The noise floor: the same line applied to the measured downtime bytes themselves puts "
        "13 of 16 in band; 15 needs a speed and cost tuned to the band (0.72 GB/s, 4.5 ms).")),
    ("published", "total_time_s", "p90"): (0.55, (
        "qemu-randwrite-13g (-65 %): the mail gives neither link nor dirty-log semantics; "
        "ibm-1gbe-256g (-29 %): IBM's planning figure, not a measured run.")),
}


def statistic(frame: pd.DataFrame, target: Target) -> float:
    """The target's statistic over ``frame`` (a report frame with a ``family`` column)."""
    rows = frame[(frame["family"] == target.family) & (frame["metric"] == target.metric)]
    if target.stat == "all":
        return float((rows["simulated"] == rows["measured"]).mean()) if len(rows) else math.nan
    if target.stat == "band":
        tol = (rows["measured"] * 0.5).clip(lower=0.010)
        return float(((rows["simulated"] - rows["measured"]).abs() <= tol).mean())
    if not len(rows):
        return math.nan
    sim, meas = rows["simulated"].astype(float), rows["measured"].astype(float)
    if target.stat == "factor":
        ok = (sim > 0) & (meas > 0)
        return float(np.median(np.abs(np.log2(sim[ok] / meas[ok])))) if ok.any() else math.inf
    if target.stat == "abs_median":
        return float((sim - meas).abs().median())
    if target.stat == "spearman":
        return float(sim.rank().corr(meas.rank())) if len(rows) > 2 else math.nan
    err = rows["rel_error"].abs().dropna()
    if not len(err):
        return math.nan
    return float(err.median() if target.stat == "median" else err.quantile(0.9))


def setup_free(frame: pd.DataFrame, family: str = "qemu-dev") -> pd.Series:
    """|relative error| of total time per case of ``family`` with the run's own measured setup
    time in place of the simulated one: how far the model is off after setup. (QEMU's setup is
    the first bitmap sync; on the loaded qemu-dev host it spreads over 393-1137 ms for one guest
    size, and no input of a row predicts where: a diagnostic, not a target.)"""
    rows = frame[frame["family"] == family].pivot_table(
        index="case", columns="metric", values=["measured", "simulated"], aggfunc="first")
    need = [("measured", "total_time_s"), ("simulated", "total_time_s"),
            ("measured", "setup_s"), ("simulated", "setup_s")]
    if not all(k in rows.columns for k in need):
        return pd.Series(dtype=float)
    rows = rows.dropna(subset=need)
    meas, sim = rows["measured"], rows["simulated"]
    shifted = sim["total_time_s"] - sim["setup_s"] + meas["setup_s"]
    return ((shifted - meas["total_time_s"]) / meas["total_time_s"]).abs()


def met(value: float, target: Target) -> bool:
    if math.isnan(value):
        return False
    upper = ("median", "p90", "factor", "abs_median")
    return value <= target.bound if target.stat in upper else value >= target.bound


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per target: its value, whether it is met, and the known gap if not."""
    rows = []
    for t in TARGETS:
        value = statistic(frame, t)
        gap = KNOWN_GAPS.get((t.family, t.metric, t.stat))
        rows.append({"family": t.family, "metric": t.metric, "stat": t.stat, "bound": t.bound,
                     "value": value, "met": met(value, t), "known_gap": gap[1] if gap else ""})
    return pd.DataFrame(rows)


__all__ = ["KNOWN_GAPS", "TARGETS", "Target", "met", "setup_free", "statistic", "summary"]
