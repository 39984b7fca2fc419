"""Fit the parameters public sources leave open to a user's measured migrations.

Method: :func:`scipy.optimize.least_squares` (trust-region reflective, bounds) on parameters
mapped to [0, 1] on a log scale between their bounds, with residuals that are relative errors
(log of simulated / observed for times and bytes, (sim - obs) / obs for passes). Why this and not
a derivative-free search: the simulator is deterministic under a fixed seed, and its outputs are
smooth in throughput, rates and durations except for small steps where a pass or a chunk appears
or disappears. A finite-difference Jacobian taken with a *large* step (``diff_step``, a few per
cent of the log range, not 1e-8) sees through those steps, so a trust-region method converges in
a few dozen simulations per parameter, gives the Jacobian for free, and the Jacobian is what says
which parameters the data determine. (Nelder-Mead or differential evolution would need many more
simulations and give no sensitivity.)

Identifiability: a parameter whose Jacobian column is (near) zero moves no residual: "not
determined" (e.g. MSP throughput above the link rate, an HMC step when only transfer times are
known). Parameters whose columns are nearly collinear (a tiny singular value) are determined only
together: reported as "only in combination with ...".
"""

from __future__ import annotations

import copy
import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from lpmsim.inventory.mover_cpu import msp_capacity
from lpmsim.calibrate.observations import CalibrationError, Observation
from lpmsim.files import read_text
from lpmsim.scenario import Scenario, ScenarioError, scenario_from_dict
from lpmsim.scenario.overrides import Key
from lpmsim.world import simulate

GROUPS = ("msp", "rate", "working_set", "hmc", "clean_fraction")
HMC_STEPS = ("validate", "mapping", "prepare", "cleanup")


#: value -> the (key path, value) assignments that set it in a scenario
Setter = Callable[[float], list[tuple[Key, object]]]


@dataclass
class Param:
    name: str           # e.g. "msp_throughput[viosA1>viosB1]"
    group: str
    lo: float
    hi: float
    x0: float           # the scenario's current value
    assign: Setter                # value -> (key path, value) assignments
    fmt: Callable[[float], str]   # value -> str for reports

    def to_unit(self, v: float) -> float:
        v = min(max(v, self.lo), self.hi)
        return (math.log(v) - math.log(self.lo)) / (math.log(self.hi) - math.log(self.lo))

    def from_unit(self, z: float) -> float:
        return math.exp(math.log(self.lo) + z * (math.log(self.hi) - math.log(self.lo)))


@dataclass
class FitResult:
    params: list[Param]
    values: dict[str, float]
    initial: dict[str, float]
    residuals: list[dict]          # per observation and metric
    determined: dict[str, str]     # param -> "yes" or why not
    cost: float
    nfev: int
    message: str
    assignments: list[tuple[Key, object]] = field(default_factory=list)


def _scenario_raw(path: str | Path) -> dict:
    try:
        return tomllib.loads(read_text(path))
    except FileNotFoundError:
        raise CalibrationError(f"{path}: no such scenario file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CalibrationError(f"{path}: cannot read the scenario: {exc}") from None


def _fmt_bw(v):
    return f"{v / 1e6:.6g} MB/s"


def _setter(keys: list[Key], value: Callable[[float], object]) -> Setter:
    """Assign ``value(v)`` to every key of ``keys``."""
    return lambda v: [(k, value(v)) for k in keys]


def _hmc_setter(base: dict[str, float], total: float) -> Setter:
    """Scale every fixed HMC step by v / total."""
    return lambda v: [(("hmc", s), f"{d * v / total:.6g} s") for s, d in base.items()]


def _with_clean_fraction(options: dict) -> Callable[[float], dict]:
    """The PowerVM policy options with the clean fraction 1 - v."""
    return lambda v: options | {"clean_fraction": round(1 - v, 6)}


def _fmt_rate(v: float) -> str:
    return f"{v:.6g} pages/s"


def parameters(sc: Scenario, observed: set[str], groups=GROUPS) -> list[Param]:
    """The open parameters the observed migrations depend on, with bounds and current values."""
    from lpmsim.world.run import build_migrations

    params: list[Param] = []
    migs = {m.plan.partition.name: m.plan for m in build_migrations(sc)}
    vios = {v.name: v for v in sc.vios}
    systems = {s.name: s for s in sc.systems}

    def capacity(name: str) -> float:
        v = vios[name]
        return msp_capacity(v, systems[v.system], sc.mover.bytes_per_cycle)

    if "msp" in groups:
        pairs = sorted({(migs[p].src_msp, migs[p].dst_msp) for p in observed
                        if p in migs and migs[p].mode == "active" and migs[p].src_msp})
        for a, b in pairs:
            assert a is not None and b is not None  # only active migrations, which have MSPs
            x0 = min(capacity(a), capacity(b))
            params.append(Param(f"msp_throughput[{a}>{b}]", "msp", 1e6, 1e11, x0,
                                _setter([("vios", a, "msp_throughput"),
                                         ("vios", b, "msp_throughput")], _fmt_bw), _fmt_bw))
    parts = {p.name: p for p in sc.partitions}
    for name in sorted(observed):
        p = parts[name]
        wl = p.workload
        if wl.kind == "idle":
            continue  # an idle partition has no dirty rate to fit
        if "rate" in groups:
            x0 = wl.rate.pages_per_s(p.page_size)
            params.append(Param(f"rate[{name}]", "rate", 1.0, 1e8, x0,
                                _setter([("partitions", name, "workload", "rate")], _fmt_rate),
                                _fmt_rate))
        if "working_set" in groups:
            x0 = max(1e-3, p.working_set_pages / max(1, p.sent_pages))
            params.append(Param(f"working_set[{name}]", "working_set", 1e-3, 1.0, x0,
                                _setter([("partitions", name, "workload", "working_set")],
                                        lambda v: f"{v * 100:.6g}%"),
                                lambda v: f"{v * 100:.4g}%"))
    if "hmc" in groups:
        base = {s: getattr(sc.hmc, "validate_" if s == "validate" else s) for s in HMC_STEPS}
        total = sum(base.values())
        if total > 0:
            # one scale on the fixed HMC steps: total times alone cannot split them
            params.append(Param("hmc_steps_total", "hmc", 0.01, 3600.0, total,
                                _hmc_setter(base, total), lambda v: f"{v:.4g} s"))
    if "clean_fraction" in groups:
        for name in sorted(observed):
            m = migs.get(name)
            if m is None or m.spec.policy.preset != "powervm":
                continue
            opts = m.spec.policy
            # fitted as the dirty share 1 - clean_fraction, on a log scale
            params.append(Param(f"clean_fraction[{name}]", "clean_fraction", 1e-4, 0.5,
                                max(1e-4, 1 - opts.clean_fraction),
                                _setter([("migrations", name, "policy")],
                                        _with_clean_fraction(opts.model_dump(mode="json"))),
                                lambda v: f"{1 - v:.6g}"))
    return params


class Problem:
    """Observations + scenario -> residual vector for a parameter vector."""

    def __init__(self, raw: dict, obs: list[Observation], params: list[Param], seed: int):
        self.raw, self.obs, self.params, self.seed = raw, obs, params, seed
        self.cache: dict[tuple, list[dict]] = {}

    def assignments(self, values: list[float]) -> list[tuple[Key, object]]:
        return [a for p, v in zip(self.params, values) for a in p.assign(v)]

    def simulate_all(self, values: list[float]) -> list[dict]:
        key = tuple(round(v, 12) for v in values)
        if key in self.cache:
            return self.cache[key]
        common = self.assignments(values)
        out = []
        for o in self.obs:
            raw = copy.deepcopy(self.raw)
            raw["migrations"] = [dict(m, start=0) for m in raw.get("migrations", [])
                                 if m.get("partition") == o.partition][:1]
            try:
                sc = scenario_from_dict(raw, common + [(f"partitions.{o.partition}.memory", o.memory)],
                                        source=f"observation row {o.row}")
            except ScenarioError as exc:
                raise CalibrationError(str(exc)) from None
            m = simulate(sc, seed=self.seed).migrations.iloc[0]
            out.append({"total": float(m["total_time_s"]), "downtime": float(m["downtime_s"]),
                        "bytes": float(m["bytes_sent"]), "passes": float(m["passes"]),
                        "outcome": m["outcome"]})
        self.cache[key] = out
        return out

    def residuals(self, values: list[float]) -> np.ndarray:
        res = []
        for o, s in zip(self.obs, self.simulate_all(values)):
            res.append(_logratio(s["total"], o.total_time))
            if o.downtime is not None:
                res.append(_logratio(s["downtime"] + 1e-3, o.downtime + 1e-3))
            if o.bytes_sent is not None:
                res.append(_logratio(s["bytes"] + 1.0, o.bytes_sent + 1.0))
            if o.passes is not None:
                res.append((s["passes"] - o.passes) / o.passes)
        return np.array(res)


def throughput_estimate(obs: list[Observation]) -> float | None:
    """Bytes per second the observations themselves imply: the slope of total time against
    the bytes moved (bytes_sent where every row has it, else memory), by least squares. Larger
    partitions take longer by their extra bytes over the bottleneck's rate, whatever the fixed
    HMC steps add, so 1 / slope estimates the bottleneck (MSP or link) without any simulation.
    None with fewer than two distinct sizes or a non-positive slope."""
    use_sent = all(o.bytes_sent for o in obs)
    x = np.array([float((o.bytes_sent or 0.0) if use_sent else o.memory) for o in obs])
    y = np.array([o.total_time for o in obs])
    if len(set(x)) < 2:
        return None
    slope = float(np.polyfit(x, y, 1)[0])
    return 1.0 / slope if slope > 0 else None


def starts(params: list[Param], obs: list[Observation]) -> list[list[float]]:
    """Where least squares starts: the scenario's values, and (when the observations give one)
    the same with every MSP throughput set to the throughput they imply. A start on the wrong
    side of a bottleneck sees a zero gradient (a 2 GB/s MSP behind a 10 GbE link: its value
    changes nothing), so a data-driven second start is what lets the fit leave it (issue 13)."""
    base = [p.x0 for p in params]
    out = [base]
    rate = throughput_estimate(obs)
    if rate is not None and any(p.group == "msp" for p in params):
        out.append([min(max(rate, p.lo), p.hi) if p.group == "msp" else x
                    for p, x in zip(params, base)])
    return out


def _logratio(a: float, b: float) -> float:
    if not math.isfinite(a) or a <= 0:
        return 10.0  # an unfinished or failed migration: a large, finite residual
    return math.log(a / b)


def fit(scenario_path: str | Path, obs: list[Observation], groups=GROUPS, seed: int | None = None,
        max_nfev: int | None = None, diff_step: float = 0.02) -> FitResult:
    raw = _scenario_raw(scenario_path)
    try:
        sc = scenario_from_dict(raw, source=str(scenario_path))
    except ScenarioError as exc:
        raise CalibrationError(str(exc)) from None
    known = {p.name for p in sc.partitions}
    with_mig = {m.partition for m in sc.migrations}
    for o in obs:
        if o.partition not in known:
            raise CalibrationError(f"row {o.row}, column partition: unknown partition {o.partition!r}")
        if o.partition not in with_mig:
            raise CalibrationError(f"row {o.row}, column partition: the scenario has no migration "
                                   f"of {o.partition!r} (add one to say where it goes and how)")
    params = parameters(sc, {o.partition for o in obs}, groups)
    if not params:
        raise CalibrationError("nothing to fit: no open parameter applies to the observed migrations "
                               f"(groups asked: {', '.join(groups)})")
    seed = sc.seed if seed is None else seed
    prob = Problem(raw, obs, params, seed)

    def to_values(z):
        return [p.from_unit(zi) for p, zi in zip(params, z)]

    budget = max_nfev or 40 * len(params)
    best = None
    for x0 in starts(params, obs):
        z0 = np.array([p.to_unit(x) for p, x in zip(params, x0)])
        sol = least_squares(lambda z: prob.residuals(to_values(z)), z0, bounds=(0.0, 1.0),
                            method="trf", diff_step=diff_step, x_scale=1.0,
                            max_nfev=budget, xtol=1e-4, ftol=1e-6)
        if best is None or sol.cost < best.cost:
            best = sol
    assert best is not None
    sol = best
    values = to_values(sol.x)
    determined = identifiability(params, sol.jac, sol.x)
    residuals = []
    for o, s in zip(obs, prob.simulate_all(values)):
        for metric, got, want in (("total_time_s", s["total"], o.total_time),
                                  ("downtime_s", s["downtime"], o.downtime),
                                  ("bytes_sent", s["bytes"], o.bytes_sent),
                                  ("passes", s["passes"], o.passes)):
            if want is not None:
                residuals.append({"row": o.row, "partition": o.partition, "metric": metric,
                                  "observed": float(want), "fitted": got,
                                  "rel_error": (got - want) / want if want else math.nan})
    return FitResult(params, {p.name: v for p, v in zip(params, values)},
                     {p.name: p.x0 for p in params}, residuals, determined, float(sol.cost),
                     int(sol.nfev), sol.message, prob.assignments(values))


def identifiability(params: list[Param], jac: np.ndarray, z: np.ndarray,
                    tol: float = 1e-3) -> dict[str, str]:
    """Per parameter: "yes", or why the data do not determine it (from the Jacobian)."""
    out = {}
    norms = np.linalg.norm(jac, axis=0)
    scale = max(norms.max(), 1e-12)
    for i, p in enumerate(params):
        if norms[i] <= tol * scale or norms[i] < 1e-6:
            out[p.name] = "not determined: no residual moves with it"
        else:
            out[p.name] = "yes"
    live = [i for i in range(len(params)) if out[params[i].name] == "yes"]
    if len(live) > 1:
        J = jac[:, live] / norms[live]
        _, s, vt = np.linalg.svd(J, full_matrices=False)
        for k, sv in enumerate(s):
            if sv < 1e-2 * s[0] or sv < 1e-6:
                members = [params[live[j]].name for j in np.flatnonzero(np.abs(vt[k]) > 0.2)]
                for name in members:
                    others = [m for m in members if m != name]
                    if others:
                        out[name] = "only in combination with " + ", ".join(others)
    for i, p in enumerate(params):
        if out[p.name] == "yes" and (z[i] <= 1e-6 or z[i] >= 1 - 1e-6):
            out[p.name] = "at its bound (the data push it past the allowed range)"
    return out
