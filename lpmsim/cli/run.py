"""``lpmsim run``: simulate a scenario, print a summary, write results and a timeline plot."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from lpmsim.cli.common import EXIT_NO, fail, load, overlay_option, set_option
from lpmsim.world import simulate


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Random seed (default: the scenario's).")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder for results (CSV frames, resolved scenario, timeline.png). "
                   "Default: results/<scenario name>.")
@set_option
@overlay_option
@click.option("--json", "as_json", is_flag=True, help="Print per-migration results as JSON.")
@click.option("--no-plot", is_flag=True, help="Do not draw timeline.png.")
@click.option("--save-baseline", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Also write the timings as a baseline for `lpmsim check`.")
@click.option("--force", is_flag=True, help="Replace an existing --save-baseline FILE.")
@click.option("--progress", "every", default=None, metavar="DURATION", is_flag=False,
              flag_value="auto",
              help="Print lslparmigr-style progress every DURATION of simulated time "
                   "('--progress' alone: 20 rows over the run).")
def run(scenario, seed, out, overrides, overlays, as_json, no_plot, save_baseline, force, every):
    """Simulate SCENARIO (a TOML file) and report every migration.

    Exit code 0 when every migration completed, 1 when any did not (validation failed,
    aborted, stopped, lost or unfinished), 2 for bad input. Results in the --out folder are
    replaced (the summary says so); a baseline only with --force."""
    step = None
    if every not in (None, "auto"):
        from lpmsim.units import UnitError, parse_duration
        try:
            step = parse_duration(every)
        except UnitError as exc:
            fail(f"--progress: {exc}")
        if not step > 0:
            fail("--progress: the interval must be > 0")
    execute(load(scenario, overrides, overlays), seed, out, as_json, no_plot, save_baseline, force,
            progress=None if every is None else (step or "auto"))


def print_progress(result, every) -> None:
    """lslparmigr -r lpar lines at each interval of simulated time (after the run: the engine
    jumps between decisions, so this is the table an HMC user would have seen, replayed)."""
    from lpmsim.results.progress import table_at
    from lpmsim.units import fmt_bytes, fmt_duration

    frame = result.progress
    if frame.empty:
        return
    start, end = float(frame["time_s"].min()), float(frame["time_s"].max())
    step = every if every != "auto" else (end - start) / 20
    step = max(step, (end - start) / 10_000, 1e-9)  # at most 10,000 tables
    count = int((end - start) / step) + 1
    for i in range(count + 1):
        t = min(start + i * step, end)
        click.echo(f"-- {fmt_duration(t)}")
        for r in table_at(frame, t).to_dict("records"):
            click.echo(f"name={r['migration']},migration_state={r['state']},"
                       f"bytes_transmitted={r['bytes_transmitted']:.0f},"
                       f"bytes_remaining={r['bytes_remaining']:.0f}"
                       f"  ({fmt_bytes(r['bytes_remaining'])} left)")
        if t >= end:
            break


def execute(sc, seed=None, out=None, as_json=False, no_plot=False, save_baseline=None,
            force=False, progress=None) -> None:
    """Simulate a loaded scenario and report it as ``lpmsim run`` does (also ``migrlpar -o m``);
    exits 1 when a migration did not complete."""
    from lpmsim.files import check_target

    if save_baseline:  # before the run: a refused baseline must not cost a simulation
        try:
            if check_target(save_baseline) and not force:
                fail(f"--save-baseline {save_baseline}: exists; add --force to replace it")
        except OSError as exc:
            fail(f"--save-baseline {save_baseline}: {exc}")
    result = simulate(sc, seed=seed)
    target = Path(out) if out else Path("results") / safe_name(sc.name)
    replaced = (target / "run.json").exists()
    try:
        folder = result.save(target)
        if not no_plot and len(result.phases):
            from lpmsim.plots import timeline
            check_target(folder / "timeline.png")
            timeline(result.phases, result.events, path=folder / "timeline.png",
                     guest=result.guest)
    except OSError as exc:
        fail(f"--out {target}: cannot write the results: {exc.strerror or exc}")
    if save_baseline:
        from lpmsim.results.baseline import save_baseline as write_baseline
        try:
            write_baseline(result, save_baseline, force=True)
        except OSError as exc:
            fail(f"--save-baseline {save_baseline}: cannot write: {exc.strerror or exc}")
    if progress is not None and not as_json:
        print_progress(result, progress)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
    else:
        click.echo(result.summary())
        click.echo(f"results {'replaced' if replaced else 'written'} in {folder}/")
    if (result.migrations["outcome"] != "completed").any():
        sys.exit(EXIT_NO)


def safe_name(name: str) -> str:
    """A folder name made of ``name``'s letters, digits, '-', '_' and '.', never '.' or '..'
    (a scenario called "../../x" must not write outside results/)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "scenario"
    return cleaned[:100]
