"""What one worker process (or Dask task) does: simulate a batch of runs, never raise.

Module-level functions only, so the spawn start method and Dask can pickle them by name.
A run that raises is returned as its error text; the batch goes on.
"""

from __future__ import annotations

import traceback

from lpmsim.scenario import Scenario

#: One run: (run id, point index, seed).
Run = tuple[int, int, int]


def run_batch(runs: list[Run], scenarios: dict[int, Scenario]) -> list[tuple[int, list[dict] | None, str]]:
    """Simulate ``runs``; return ``(run, migration rows, "")`` or ``(run, None, error)`` each."""
    from lpmsim.world import simulate

    out: list[tuple[int, list[dict] | None, str]] = []
    for run, point, seed in runs:
        try:
            result = simulate(scenarios[point], seed=seed)
            out.append((run, result.migrations.to_dict("records"), ""))
        except Exception as exc:  # noqa: BLE001 - a lost run is reported, never raised
            last = traceback.extract_tb(exc.__traceback__)[-1:]
            where = f" ({last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno})" if last else ""
            out.append((run, None, f"{type(exc).__name__}: {exc}{where}"))
    return out
