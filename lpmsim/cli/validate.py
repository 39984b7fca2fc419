"""``lpmsim validate``: what `migrlpar -o v` would say, for each migration of a scenario.

Exit code 0 when every validated migration would migrate, 1 when one would not, 2 for a bad file.
"""

from __future__ import annotations

import click

from lpmsim.cli.common import EXIT_NO, fail, load, overlay_option, set_option
from lpmsim.kinds import Mode
from lpmsim.inventory.mappings import MigrationOptions
from lpmsim.validation import check_migration
from lpmsim.validation.report import format_validation


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--partition", "-p", help="Validate this partition (default: every migration).")
@click.option("--destination", "-t", help="Destination managed system (with --partition).")
@click.option("--mode", type=click.Choice(["active", "inactive"]), default=None,
              help="Active or inactive (with --partition; default: from the partition's state).")
@click.option("--running", type=click.IntRange(min=0, max=10_000), default=0, show_default=True,
              help="Migrations of the same kind already in progress on each system: at its "
                   "maximum, validation fails with TOO_MANY_MIGRATIONS (`migrlpar --all` "
                   "queues instead; `lpmsim run` shows that).")
@set_option
@overlay_option
def validate(scenario, partition, destination, mode, running, overrides, overlays):
    """Validate the migrations of SCENARIO like `migrlpar -o v` and show the recommended
    virtual adapter mappings."""
    sc = load(scenario, overrides, overlays)
    inv = sc.inventory
    if partition or destination:
        if not (partition and destination):
            fail("--partition and --destination go together")
        if inv.find_partition(partition) is None:
            fail(f"--partition: no partition named {partition!r} in {scenario}")
        if inv.find_system(destination) is None:
            fail(f"--destination: no managed system named {destination!r} in {scenario}")
        state = inv.partition(partition).state
        jobs = [(partition, destination,
                 Mode(mode or ("active" if state == "running" else "inactive")), MigrationOptions())]
    else:
        jobs = planned_jobs(sc)
        if not jobs:
            fail(f"{scenario} has no [[migrations]] or [[evacuations]]; "
                 "give --partition and --destination")
    report(inv, jobs, running)


def planned_jobs(sc) -> list[tuple]:
    """Every migration the scenario would run, evacuations expanded partition by partition."""
    return [(m.partition, m.destination, Mode(m.mode), m.options) for m in sc.planned]


def report(inv, jobs, running: int = 0) -> None:
    """Validate each job against ``inv`` as it is, print the findings; exit 0 when all would
    migrate, 1 otherwise. (Each is validated alone, as `migrlpar -o v` does one at a time,
    with ``running`` migrations of its kind already in progress on each system.)"""
    ok = True
    for name, dest, how, opts in jobs:
        v = check_migration(inv, name, dest, how, **opts.kwargs(),
                            concurrent_active=running if how == Mode.ACTIVE else 0,
                            concurrent_inactive=running if how != Mode.ACTIVE else 0)
        click.echo(format_validation(v))
        click.echo()
        ok = ok and v.would_migrate
    click.echo(f"{len(jobs)} migration(s) validated: "
               f"{'all would migrate' if ok else 'at least one would not'}")
    raise SystemExit(0 if ok else EXIT_NO)
