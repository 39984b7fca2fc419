"""``lpmsim migrlpar``: the HMC's migrlpar syntax on a scenario (``-o v`` validates, ``-o m``
migrates): the same result as writing the migrations into the scenario."""

from __future__ import annotations

import click

from lpmsim.cli.common import fail, overlay_option, resolve, set_option


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("-o", "operation", required=True, metavar="v|m",
              help="v: validate (migrlpar -o v); m: migrate (simulate).")
@click.option("-m", "source", required=True, metavar="SRC", help="The source managed system.")
@click.option("-t", "destination", required=True, metavar="DST", help="The destination managed system.")
@click.option("-p", "names", default=None, metavar="NAME[,NAME]", help="The partition(s) to move.")
@click.option("--id", "ids", default=None, metavar="N[,N]", help="The partition ID(s) on SRC.")
@click.option("--all", "all_", is_flag=True, help="Every partition of SRC (an evacuation).")
@click.option("--redundantmsps", type=int, default=None, metavar="0|1|2",
              help="0 one MSP pair, 1 two pairs required, 2 two pairs if available.")
@click.option("--mpio", type=int, default=None, metavar="1|2",
              help="1 multipath must be kept, 2 if possible.")
@click.option("--vlanbridge", type=int, default=None, metavar="1|2",
              help="1 every VLAN must be bridged on DST, 2 if possible.")
@click.option("-i", "data", default="", metavar="DATA",
              help='Attributes, e.g. "source_msp_name=vios1,dest_msp_name=vios2,'
                   'virtual_scsi_mappings=12/vios2//16".')
@click.option("-f", "data_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="A file holding the -i attributes.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Random seed (-o m).")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder for results (-o m; default: results/<scenario name>).")
@click.option("--json", "as_json", is_flag=True, help="Print per-migration results as JSON (-o m).")
@click.option("--no-plot", is_flag=True, help="Do not draw timeline.png (-o m).")
@set_option
@overlay_option
def migrlpar(scenario, operation, source, destination, names, ids, all_, redundantmsps, mpio,
             vlanbridge, data, data_file, seed, out, as_json, no_plot, overrides, overlays):
    """Validate or migrate partitions of SCENARIO with the HMC's migrlpar syntax.

    Exit codes as `lpmsim validate` (-o v) and `lpmsim run` (-o m): 0 all would migrate /
    completed, 1 not, 2 bad input."""
    from lpmsim.files import read_text
    from lpmsim.hmc import MigrlparError, Request, apply_request
    from lpmsim.scenario import ScenarioError, scenario_from_dict
    from lpmsim.scenario.load import load_overlay, read_raw

    problems = []
    if data and data_file:
        problems.append("-i and -f: give the attributes one way")
    if data_file:
        try:
            data = " ".join(read_text(data_file).split())
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"-f {data_file}: cannot read: {exc}")
    id_list = []
    for item in (ids or "").split(","):
        if item.strip():
            if item.strip().isascii() and item.strip().isdigit():
                id_list.append(int(item))
            else:
                problems.append(f"--id: {item.strip()!r} is no partition ID")
    path = resolve(scenario)
    try:
        raw = read_raw(path)
        assignments = [a for o in overlays for a in load_overlay(o)] + list(overrides)
        req = Request(operation, source, destination,
                      partitions=[n.strip() for n in (names or "").split(",") if n.strip()],
                      ids=id_list, all=all_, redundant_msps=redundantmsps, mpio=mpio,
                      vlan_bridge=vlanbridge, data=data)
        try:
            moved = apply_request(raw, req)
        except MigrlparError as exc:
            problems += exc.problems
        if problems:
            fail(f"migrlpar on {path}: {len(problems)} problem(s)\n"
                 + "\n".join(f"  - {p}" for p in problems))
        sc = scenario_from_dict(moved, assignments, source=f"{path} (migrlpar)")
    except ScenarioError as exc:
        fail(str(exc))
    if operation == "v":
        from lpmsim.cli.validate import planned_jobs, report
        report(sc.inventory, planned_jobs(sc))
    from lpmsim.cli.run import execute
    execute(sc, seed, out, as_json, no_plot)
