"""``lpmsim check``: run a pinned scenario and compare its timings with a saved baseline.

For CI: exit 0 when every figure is within the tolerance, 1 when any moved, 2 for bad input.
"""

from __future__ import annotations

import click

from lpmsim.cli.common import EXIT_NO, fail, load, overlay_option, set_option
from lpmsim.results.baseline import (BaselineError, compare, format_table, load_baseline,
                                     parse_tolerance)
from lpmsim.world import simulate


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--baseline", "baseline_path", required=True, type=click.Path(dir_okay=False),
              metavar="FILE", help="A baseline written by `lpmsim run --save-baseline FILE`.")
@click.option("--tolerance", default="5%", show_default=True,
              help="Relative change allowed per figure (5% or 0.05); absolute floors of 1 ms and "
                   "1 MiB keep near-zero values from failing on noise.")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Random seed (default: the baseline's).")
@set_option
@overlay_option
@click.option("--all", "show_all", is_flag=True, help="Print every figure, not only those that differ.")
def check(scenario, baseline_path, tolerance, seed, overrides, overlays, show_all):
    """Simulate SCENARIO and compare per-migration timings and step boundaries with FILE."""
    try:
        tol = parse_tolerance(tolerance)
        base = load_baseline(baseline_path)
    except (ValueError, BaselineError) as exc:
        fail(str(exc))
    sc = load(scenario, overrides, overlays)
    result = simulate(sc, seed=base.get("seed", sc.seed) if seed is None else seed)
    diffs = compare(result, base, tol)
    click.echo(format_table(diffs, only_changed=not show_all))
    moved = diffs[diffs["moved"]]
    click.echo(f"\n{len(diffs)} figure(s) compared against {baseline_path} "
               f"(tolerance {tol:.4g}, seed {result.seed}): {len(moved)} moved")
    if len(moved):
        fail(f"{len(moved)} figure(s) moved past the tolerance", EXIT_NO)
