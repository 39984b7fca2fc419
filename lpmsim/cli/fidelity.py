"""``lpmsim fidelity``: run the validation cases, print the table, write report.md/csv and a scatter."""

from __future__ import annotations

from pathlib import Path

import click

from lpmsim.cli.common import fail


@click.command()
@click.option("--cases", "cases_dir", type=click.Path(file_okay=False), default=None,
              help="Folder of case files (*.toml). Default: ./validation if it exists, else "
                   "the cases shipped with lpmsim.")
@click.option("--out", type=click.Path(file_okay=False), default="results/fidelity",
              show_default=True, help="Folder for report.md, report.csv and scatter.png.")
@click.option("--write-errors", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Also record the current |relative errors| as JSON (regenerates "
                   "validation/errors.json for tests/test_fidelity.py).")
def fidelity(cases_dir, out, write_errors):
    """Compare the simulator with published migration measurements."""
    from lpmsim.fidelity import CaseError, load_cases, write_report
    from lpmsim.fidelity.report import table_text, write_errors as dump_errors

    if cases_dir is None:
        from lpmsim.data import VALIDATION
        cases_dir = "validation" if Path("validation").is_dir() else str(VALIDATION)
    try:
        cases = load_cases(cases_dir)
    except CaseError as exc:
        fail(str(exc))
    from lpmsim.fidelity.targets import summary

    try:
        frame = write_report(cases, out)
    except OSError as exc:
        fail(f"--out {out}: cannot write the report: {exc.strerror or exc}")
    click.echo(table_text(frame))
    click.echo("\ntargets per family:")
    for t in summary(frame).itertuples():
        state = "met" if t.met else ("KNOWN GAP" if t.known_gap else "NOT MET")
        click.echo(f"  {t.family:<10} {t.metric:<13} {t.stat:<6} {t.value:8.3f} "
                   f"(target {t.bound:g}) {state}")
    click.echo(f"\n{len(cases)} case(s); report written to {Path(out)}/ (report.md, report.csv, scatter.png)")
    if write_errors:
        try:
            dump_errors(frame, write_errors)
        except OSError as exc:
            fail(f"{write_errors}: cannot write: {exc.strerror or exc}")
        click.echo(f"errors recorded in {write_errors}")
