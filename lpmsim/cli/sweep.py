"""``lpmsim sweep``: run a scenario over a grid of values and seeds; write one tidy table."""

from __future__ import annotations

from pathlib import Path

import click

from lpmsim.cli.common import EXIT_NO, fail, overlay_option, set_option
from lpmsim.scenario import ScenarioError

GRID_HELP = """\b
Values: v1,v2,... (read like --set values), or ranges
  logspace(START, STOP, N)   N log-spaced values, both ends included
  linspace(START, STOP, N)   N evenly spaced values, both ends included
  range(START, STOP[, STEP]) like Python: STOP excluded
with units where they fit: 'logspace(1000 pages/s, 100000 pages/s, 8)'."""


@click.command(epilog=GRID_HELP)
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--grid", "grid", multiple=True, metavar="KEY=VALUES",
              help="A swept key and its values; several --grid multiply.")
@click.option("--zip", "zipped", multiple=True, metavar="KEY=VALUES",
              help="Keys whose values move together (same count each); multiplies with --grid.")
@click.option("--seeds", type=click.IntRange(min=1), default=1, show_default=True,
              help="Replications per point; replicate i uses seed BASE+i.")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Base seed (default: the scenario's).")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: CPU count; 1 = in this process).")
@click.option("--dask", "dask", default=None, metavar="ADDRESS|local",
              help="Run on the Dask scheduler at ADDRESS (tcp://host:8786), or 'local' to start "
                   "a LocalCluster of --jobs workers.")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder for sweep.parquet, sweep.csv, failed.csv, scenarios/, sweep.json. "
                   "Default: results/<scenario name>-sweep.")
@set_option
@overlay_option
@click.option("--progress/--no-progress", default=True, help="Show a progress bar.")
def sweep(scenario, grid, zipped, seeds, seed, jobs, dask, out, overrides, overlays, progress):
    """Simulate SCENARIO for every combination of --grid values (and --zip rows) and seeds.

    Every point is validated before any run starts; bad keys or values are listed together
    (exit 2). Exits 1 when runs were lost (the folder says which), 0 otherwise.
    """
    from lpmsim.sweep import BackendError, simulate_many

    try:
        result = simulate_many(scenario, grid=list(grid), zip=list(zipped), seeds=seeds, seed=seed,
                               overrides=overrides, overlays=overlays, jobs=jobs,
                               backend="dask" if dask else "local", dask_address=dask,
                               progress=progress)
    except (ScenarioError, BackendError) as exc:
        fail(str(exc))
    name = result.manifest.get("name", Path(scenario).stem)
    folder = result.save(Path(out) if out else Path("results") / f"{name}-sweep")
    click.echo(result.summary())
    click.echo(f"results written to {folder}/")
    if not result.complete:
        fail(f"{result.problem()} (listed in {folder / 'failed.csv'})", EXIT_NO)
