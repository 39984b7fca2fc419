"""``simulate_many``: run a scenario over a grid of values and seeds, in parallel.

Like a what-if table in a spreadsheet: one scenario, the values to vary, and one row of results
per run and migration. Every grid point is built with ``scenario_from_dict(raw, overrides)`` and
validated *before* any run starts; all problems of all points are reported at once.

Seeds: replicate ``i`` of a point runs with seed ``base + i``, where ``base`` is the ``seed``
argument or else the point's scenario seed. Replicate 0 therefore reproduces ``lpmsim run``, and
every point uses the same seeds (common random numbers across the grid). ``seeds`` may also be
an explicit list. The seed reaches ``simulate``, which spawns its named streams from it with
``numpy.random.SeedSequence``, so neighbouring seeds give independent streams.
"""

from __future__ import annotations

import itertools
import time
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from lpmsim.files import read_text
from lpmsim.results import MIGRATION_COLUMNS, categorize
from lpmsim.scenario import Scenario, ScenarioError, scenario_from_dict
from lpmsim.scenario.errors import Problem
from lpmsim.scenario.load import load_overlay
from lpmsim.sweep import backends
from lpmsim.sweep.grid import MAX_POINTS, Axis, collect_axes, point_count, points
from lpmsim.sweep.result import FAILED_COLUMNS, RUN_COLUMNS, SweepResult, axis_column

BACKENDS = ("local", "dask")
#: Runs (points x seeds) a sweep may have; see lpmsim.sweep.grid.MAX_POINTS.
MAX_RUNS = 1_000_000


def read_raw(scenario: str | Path | Mapping | Scenario) -> tuple[dict, str]:
    """A scenario as the raw dict that overrides apply to, and a name for messages."""
    if isinstance(scenario, Scenario):
        return scenario.to_dict(), scenario.name
    if isinstance(scenario, Mapping):
        return dict(scenario), str(scenario.get("name", "scenario"))
    path = Path(scenario)
    try:
        return tomllib.loads(read_text(path)), str(path)
    except FileNotFoundError:
        raise ScenarioError([Problem("", f"no such file: {path}")], str(path)) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError([Problem("", f"cannot read {path}: {exc}")], str(path)) from None


def build_points(raw: dict, axes: list[Axis], overrides: Sequence, source: str,
                 problems: Sequence[Problem] = ()) -> tuple[list[dict], list[Scenario]]:
    """Validate every point; raise one ScenarioError with the problems of all of them (and
    ``problems`` already found in the axes themselves)."""
    pts = points(axes)
    scenarios: list[Scenario] = []
    found: dict[str, list[int]] = {}
    for i, point in enumerate(pts):
        try:
            scenarios.append(scenario_from_dict(raw, list(overrides) + list(point.items()), source))
        except ScenarioError as exc:
            for p in exc.problems:
                found.setdefault(str(p), []).append(i)
    if found or problems:
        problems = list(problems)
        for text, where in found.items():
            path, _, message = text.partition(": ")
            if len(where) < len(pts) and message:
                message += f" (at {_where([pts[i] for i in where], pts)})"
            problems.append(Problem(path, message) if message else Problem("", text))
        raise ScenarioError(problems, f"{source} (sweep of {len(pts)} point(s))")
    return pts, scenarios


def _where(failing: list[dict], pts: list[dict]) -> str:
    """The swept values that all failing points share (or the first point's values)."""
    varied = [k for k in pts[0] if any(p[k] != pts[0][k] for p in pts)]
    common = {k: failing[0][k] for k in varied if all(p[k] == failing[0][k] for p in failing)}
    text = ", ".join(f"{k}={v}" for k, v in (common or failing[0]).items())
    return text + (f", {len(failing)} points" if len(failing) > 1 else "")


def _size_problems(axes: list[Axis], seeds) -> list[Problem]:
    """A sweep larger than MAX_POINTS points or MAX_RUNS runs, before building any."""
    n = point_count(axes)
    if n > MAX_POINTS:
        return [Problem("--grid", f"{n:,} points is more than the {MAX_POINTS:,} a sweep may have "
                                  "(split the study into several sweeps)")]
    per_point = seeds if isinstance(seeds, int) and not isinstance(seeds, bool) else (
        len(seeds) if isinstance(seeds, list) else 1)
    if n * per_point > MAX_RUNS:
        return [Problem("--seeds", f"{n:,} point(s) x {per_point:,} seeds is more than the "
                                   f"{MAX_RUNS:,} runs a sweep may have")]
    return []


def seed_list(seeds: int | Iterable[int], base: int) -> list[int]:
    if isinstance(seeds, bool):
        raise ValueError(f'"seeds" must be a count or a list of seeds, got {seeds!r}')
    if isinstance(seeds, int):
        if seeds < 1:
            raise ValueError(f'"seeds" must be at least 1, got {seeds}')
        return [base + i for i in range(seeds)]
    out = [int(s) for s in seeds]
    if not out or any(s < 0 for s in out):
        raise ValueError(f'"seeds" must be non-negative integers, got {out!r}')
    return out


def simulate_many(scenario: str | Path | Mapping | Scenario, grid: Mapping | Sequence[str] | None = None,
                  zip: Mapping | Sequence | None = None, seeds: int | Iterable[int] = 1, *,  # noqa: A002
                  seed: int | None = None, overrides: Sequence = (), overlays: Sequence = (),
                  jobs: int | None = None, backend: str = "local", dask_address: str | None = None,
                  dask_processes: bool = True, progress: bool = True) -> SweepResult:
    """Run ``scenario`` (a path, a raw dict or a Scenario) for every grid point and seed.

    ``grid``: ``{key: values}`` (a list, or a string such as ``"logspace(1 Gbps, 25 Gbps, 5)"``)
    or CLI strings ``["key=v1,v2"]``; the axes multiply. ``zip``: axes that move together.
    ``overrides``/``overlays`` apply to every point, before the swept values. ``jobs``: worker
    processes (default: CPU count; 1 runs in this process). ``backend="dask"`` runs on the
    scheduler at ``dask_address`` ("local" or None starts a LocalCluster of ``jobs`` workers).

    Raises ScenarioError (every problem of every point, before any run) for bad keys and values,
    and BackendError for an unknown backend or an unreachable Dask scheduler. A run that fails
    is listed in ``result.failed``; ``result.complete`` says whether any was lost.
    """
    if backend not in BACKENDS:
        raise backends.BackendError(f'"backend" must be one of {", ".join(BACKENDS)}, got {backend!r}')
    jobs = backends.default_jobs() if jobs is None else jobs
    if not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f'"jobs" must be a positive integer, got {jobs!r}')
    raw, source = read_raw(scenario)
    overrides = [a for o in overlays for a in load_overlay(o)] + list(overrides)
    axes, problems = collect_axes(grid, zip)
    if isinstance(seeds, Iterable) and not isinstance(seeds, (str, bytes)):
        seeds = list(itertools.islice(seeds, MAX_RUNS + 1))
    problems += _size_problems(axes, seeds)
    if problems and any(p.path in ("--grid", "--seeds") for p in problems):
        raise ScenarioError(problems, source)  # too big to validate point by point
    pts, scenarios = build_points(raw, axes, overrides, source, problems)
    runs: list[tuple[int, int, int]] = []
    index: list[tuple[int, int, int, int]] = []
    for p, sc in enumerate(scenarios):
        for r, s in enumerate(seed_list(seeds, sc.seed if seed is None else seed)):
            runs.append((len(runs), p, s))
            index.append((len(index), p, r, s))
    by_point = dict(enumerate(scenarios))
    client = None
    if backend == "dask":
        client = backends.dask_client(dask_address, jobs, dask_processes)
    t0 = time.perf_counter()
    try:
        outcomes = _execute(runs, by_point, jobs, client, progress, source)
    finally:
        if client is not None:
            cluster = client.cluster
            client.close()
            if cluster is not None and dask_address in (None, "", "local"):
                cluster.close()
    wall = time.perf_counter() - t0
    result = _assemble(outcomes, index, pts, axes, scenarios)
    result.manifest = {
        "format": "lpmsim-sweep/1", "scenario": source, "name": scenarios[0].name,
        "axes": [{"key": a.key, "values": list(a.values), "group": a.group,
                  "unit": result.units[a.key]} for a in axes],
        "overrides": [o if isinstance(o, str) else f"{o[0]}={o[1]}" for o in overrides],
        "seeds": {"count": len(runs) // max(len(pts), 1), "rule": "base + i" if isinstance(seeds, int)
                  else "explicit", "base": seed, "values": sorted({s for _, _, s in runs})},
        "points": len(pts), "runs": len(runs), "backend": backend, "jobs": jobs,
        "dask_address": dask_address if backend == "dask" else None, "wall_s": wall,
        "run_index": runs,
    }
    return result


def _execute(runs, by_point, jobs, client, progress, source) -> dict[int, tuple]:
    from tqdm import tqdm

    work = backends.batches(runs, jobs)
    if client is not None:
        stream = backends.run_dask(work, by_point, client)
    elif jobs == 1 or len(runs) <= 1:
        stream = backends.run_inline(work, by_point)
    else:
        stream = backends.run_local(work, by_point, min(jobs, len(work)))
    outcomes: dict[int, tuple] = {}
    with tqdm(total=len(runs), unit="run", desc=Path(source).stem, disable=not progress,
              leave=False) as bar:
        for batch in stream:
            for run, rows, error in batch:
                outcomes[run] = (rows, error)
            bar.update(len(batch))
    for run, _, _ in runs:
        outcomes.setdefault(run, (None, "no result came back"))
    return outcomes


def _assemble(outcomes, index, pts, axes, scenarios) -> SweepResult:
    units, columns = {}, {}
    for ax in axes:
        values = [pt[ax.key] for pt in pts]
        columns[ax.key], units[ax.key] = axis_column(values)
    names = {k: (f"set.{k}" if k in RUN_COLUMNS + MIGRATION_COLUMNS else k) for k in columns}
    rows: list[dict] = []
    failed: list[dict] = []
    for run, point, replicate, seed in index:
        head = {"run": run, "point": point, "replicate": replicate, "seed": seed}
        head |= {names[k]: col[point] for k, col in columns.items()}
        got, error = outcomes[run]
        if got is None:
            failed.append(head | {"error": error})
        else:
            rows.extend(head | row for row in got)
    cols = RUN_COLUMNS + list(names.values()) + MIGRATION_COLUMNS
    table = categorize(pd.DataFrame(rows, columns=cols))
    failed_frame = pd.DataFrame(failed, columns=RUN_COLUMNS + list(names.values()) + ["error"])
    return SweepResult(table=table, failed=failed_frame, axes=axes, units=units, runs=len(index),
                       scenarios={p: sc.to_dict() for p, sc in enumerate(scenarios)})


__all__ = ["FAILED_COLUMNS", "simulate_many"]
