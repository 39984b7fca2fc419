"""``lpmsim import hmc DIR -o SCENARIO.toml``: a scenario from the saved output of the HMC and
VIOS commands (file names and defaults: :mod:`lpmsim.hmc.dump`)."""

from __future__ import annotations

import click

from lpmsim.cli.common import fail


@click.group("import")
def import_() -> None:
    """Build a scenario from what your own systems report."""


@import_.command("hmc")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("-o", "--out", "out", required=True, type=click.Path(dir_okay=False),
              metavar="SCENARIO.toml", help="Where to write the scenario.")
@click.option("--force", is_flag=True, help="Replace an existing SCENARIO.toml.")
def hmc(folder, out, force):
    """Read FOLDER (lssyscfg, lshwres, lsmap and lsdev output saved as the README lists) and
    write SCENARIO.toml: systems, VIOS and partitions with their adapters, and a header that
    says which values are defaults the dump could not give (workload, LPM network).

    Every problem of the dump is listed (file and line), exit 2; the scenario is validated
    before it is written."""
    import tomli_w

    from lpmsim.files import check_target, write_text
    from lpmsim.hmc.dump import HmcImportError, import_dump
    from lpmsim.scenario import ScenarioError, scenario_from_dict

    try:
        if check_target(out) and not force:
            fail(f"-o {out}: exists; add --force to replace it")
        raw, notes = import_dump(folder)
        scenario_from_dict(raw, source=f"{folder} (imported)")
    except HmcImportError as exc:
        fail(f"{folder}: {len(exc.problems)} problem(s)\n" + "\n".join(f"  - {p}" for p in exc.problems))
    except ScenarioError as exc:
        fail(f"the imported scenario does not validate (a bug or an unusual dump):\n{exc}")
    except OSError as exc:
        fail(f"-o {out}: {exc}")
    header = [f"Imported by `lpmsim import hmc {folder}`. Values the dump does not hold are",
              "defaults; change them before trusting the timings:"] + [f"- {n}" for n in notes]
    text = "".join(f"# {line}\n" for line in header) + "\n" + tomli_w.dumps(raw)
    try:
        write_text(out, text)
    except OSError as exc:
        fail(f"-o {out}: cannot write: {exc.strerror or exc}")
    click.echo(f"{out}: {len(raw['systems'])} system(s), {len(raw['vios'])} VIOS, "
               f"{len(raw['partitions'])} partition(s); {len(notes)} note(s) in its header")
