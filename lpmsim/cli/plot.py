"""``lpmsim plot``: draw every plot that a results folder's files support."""

from __future__ import annotations

import re
from pathlib import Path

import click

from lpmsim.cli.common import fail

MAX_PAGES_PLOTS = 20


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


#: The columns each plot reads (name -> numeric columns, text columns), checked before drawing.
NEEDS = {
    "phases": (["step", "start_s", "end_s"], ["migration", "phase"]),
    "events": (["time_s"], ["migration", "event"]),
    "passes": (["pass", "start_s", "end_s", "pages", "dirty_end"], ["migration", "stage"]),
    "migrations": (["start_s", "queue_wait_s", "end_s", "precopy_s", "suspend_s", "resume_s",
                    "completed_s"], ["migration", "outcome"]),
    "links": (["time_s", "rate_Bps", "capacity_Bps"], ["link"]),
    "guest": (["start_s", "end_s", "progress"], ["migration"]),
    "progress": (["time_s", "bytes_transmitted", "bytes_remaining"], ["migration", "state"]),
}


class FolderError(ValueError):
    """A results folder whose files cannot be plotted; the message names each file."""


def read_frames(folder: Path) -> dict:
    """The run folder's CSV frames that exist, each checked for the columns a plot reads.
    Raises FolderError naming every unreadable file and missing or non-numeric column."""
    import io

    import pandas as pd

    from lpmsim.files import read_text

    frames, problems = {}, []
    for name, (numeric, text) in NEEDS.items():
        path = folder / f"{name}.csv"
        if not path.exists() or not path.stat().st_size:
            continue
        try:
            frame = pd.read_csv(io.StringIO(read_text(path)))
        except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError) as exc:
            problems.append(f"{path}: cannot read: {' '.join(str(exc).split())}")
            continue
        if missing := [c for c in numeric + text if c not in frame.columns]:
            problems.append(f"{path}: missing column(s) {', '.join(missing)}")
            continue
        for c in numeric:
            values = pd.to_numeric(frame[c], errors="coerce")
            if (values.isna() & frame[c].notna()).any():
                problems.append(f"{path}, column {c}: not a number in every row")
            frame[c] = values
        frames[name] = frame
    if problems:
        raise FolderError("\n".join(problems))
    return frames


def run_plots(folder: Path, out: Path, window: float | None = None) -> list[Path]:
    """The PNGs a run folder (``lpmsim run --out``) supports: timeline, pages per pass,
    evacuation."""
    from lpmsim import plots

    frames = read_frames(folder)
    written = []
    migrations, phases, passes, events, links = (frames.get(n) for n in
                                                 ("migrations", "phases", "passes", "events", "links"))
    if phases is not None and len(phases):
        written.append(out / "timeline.png")
        plots.timeline(phases, events, path=written[-1], guest=frames.get("guest"))
    if passes is not None and len(passes):
        for mig in list(dict.fromkeys(passes["migration"]))[:MAX_PAGES_PLOTS]:
            written.append(out / f"pages-{_safe(str(mig))}.png")
            plots.pages(passes, str(mig), path=written[-1])
    prog = frames.get("progress")
    if prog is not None and len(prog):
        written.append(out / "progress.png")
        plots.progress(prog, stacked=prog["migration"].nunique() > 1, path=written[-1])
    if migrations is not None and len(migrations):
        written.append(out / "evacuation.png")
        plots.evacuation(migrations, links, phases, window=window, path=written[-1])
    return written


def sweep_plots(folder: Path, out: Path) -> list[Path]:
    """One PNG per numeric swept key: downtime and total time against it."""
    import matplotlib.pyplot as plt

    from lpmsim.plots import curves
    from lpmsim.sweep import SweepResult

    result = SweepResult.load(folder)
    written = []
    for key in result.keys:
        col = result.table[key] if key in result.table else None
        if col is None or col.dtype == object or col.nunique() < 2 or str(col.dtype).startswith("str"):
            continue
        fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
        for ax, y in zip(axes, ("downtime_s", "total_time_s")):
            curves(result.table, key, y, keys=result.keys, unit=result.units.get(key, ""), ax=ax)
        written.append(out / f"sweep-{_safe(key)}.png")
        fig.tight_layout()
        fig.savefig(written[-1], dpi=110)
        plt.close(fig)
    return written


@click.command()
@click.argument("results_dir", type=click.Path(file_okay=False))
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder for the PNGs (default: RESULTS_DIR).")
@click.option("--window", default=None, metavar="DURATION",
              help="Draw a maintenance window on the evacuation chart, e.g. '2 h'.")
def plot(results_dir, out, window):
    """Draw every plot RESULTS_DIR supports: a run folder (lpmsim run --out) gives timeline.png,
    pages-<migration>.png and evacuation.png; a sweep folder (lpmsim sweep --out) gives
    sweep-<key>.png (downtime and total time against each numeric swept key)."""
    from lpmsim.units import UnitError, parse_duration

    folder = Path(results_dir)
    if not folder.is_dir():
        fail(f"no such results folder: {folder}")
    try:
        window_s = parse_duration(window) if window is not None else None
    except UnitError as exc:
        fail(f"--window: {exc}")
    from lpmsim.sweep.result import SweepFolderError

    target = Path(out) if out else folder
    try:
        target.mkdir(parents=True, exist_ok=True)
        written = run_plots(folder, target, window_s)
        if (folder / "sweep.json").exists():
            written += sweep_plots(folder, target)
    except (FolderError, SweepFolderError) as exc:
        fail(f"{folder}: cannot plot:\n{exc}")
    except OSError as exc:
        fail(f"--out {target}: cannot write the plots: {exc.strerror or exc}")
    if not written:
        fail(f"{folder} holds no results to plot (expected the CSV files of `lpmsim run --out` "
             "or the sweep.json and sweep.parquet/csv of `lpmsim sweep --out`)")
    for path in written:
        click.echo(str(path))
