"""``lpmsim calibrate``: fit open parameters to measured migrations; write a scenario overlay."""

from __future__ import annotations

import click

from lpmsim.cli.common import fail


@click.command()
@click.argument("observations", type=click.Path(dir_okay=False))
@click.option("--scenario", required=True, type=click.Path(dir_okay=False),
              help="The scenario the migrations were measured on (partitions, VIOS, links, migrations).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), metavar="OVERLAY.toml",
              help="Where to write the fitted values (apply with `lpmsim run --overlay`).")
@click.option("--fit", "groups", default="msp,rate,working_set,hmc,clean_fraction", show_default=True,
              help="Comma-separated parameter groups to fit.")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed of the simulations (default: the scenario's).")
@click.option("--max-evals", type=click.IntRange(min=1), default=None,
              help="Budget of least-squares evaluations (default 40 per parameter).")
@click.option("--force", is_flag=True, help="Replace an existing --out file.")
def calibrate(observations, scenario, out, groups, seed, max_evals, force):
    """Fit MSP throughput, dirty rates, working sets, HMC steps and the PowerVM stop threshold
    to OBSERVATIONS (CSV: partition, memory, start, end[, downtime, bytes_sent, passes])."""
    from lpmsim.calibrate import GROUPS, CalibrationError, fit, read_observations, report_text, write_overlay
    from lpmsim.scenario import ScenarioError, load_scenario

    asked = tuple(g.strip() for g in groups.split(",") if g.strip())
    if bad := [g for g in asked if g not in GROUPS]:
        fail(f"--fit: unknown group(s) {', '.join(bad)}; use {', '.join(GROUPS)}")
    from lpmsim.files import check_target
    try:  # before the fit, which takes minutes
        if check_target(out) and not force:
            fail(f"--out {out}: exists; add --force to replace it")
    except OSError as exc:
        fail(f"--out {out}: {exc}")
    try:
        sc = load_scenario(scenario)
        obs = read_observations(observations, {p.name for p in sc.partitions})
        result = fit(scenario, obs, asked, seed=seed, max_nfev=max_evals)
    except (CalibrationError, ScenarioError) as exc:
        fail(str(exc))
    header = (f"lpmsim calibrate {observations} --scenario {scenario}\n"
              f"apply with: lpmsim run {scenario} --overlay {out}")
    try:
        write_overlay(result, out, header)
    except OSError as exc:
        fail(f"--out {out}: cannot write: {exc.strerror or exc}")
    click.echo(report_text(result))
    undetermined = [n for n, d in result.determined.items() if d != "yes"]
    if undetermined:
        click.echo("\nnot determined by these observations: " + ", ".join(undetermined))
    click.echo(f"\noverlay written to {out}")
