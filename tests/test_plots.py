"""Plots: each function returns an Axes with the expected artists; lpmsim plot writes PNGs."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from lpmsim import load_scenario, simulate, simulate_many  # noqa: E402
from lpmsim.cli import main  # noqa: E402
from lpmsim.plots import curves, evacuation, pages, timeline  # noqa: E402

SCENARIO = "scenarios/single-active.toml"
SMALL = ["partitions.db01.memory=8 GiB", "partitions.db01.workload.working_set=1 GiB"]


@pytest.fixture(scope="module")
def result():
    return simulate(load_scenario(SCENARIO, SMALL))


@pytest.fixture(scope="module")
def sweep():
    return simulate_many(SCENARIO, grid={"links.lpm-10g.bandwidth": "1 Gbps,10 Gbps",
                                         "migrations.db01.policy": ["powervm", "xen"]},
                         seeds=2, overrides=SMALL + ["partitions.db01.workload.rate=20000 pages/s"],
                         jobs=1, progress=False)


def _bars(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def test_timeline(result):
    ax = timeline(result.phases, result.events)
    assert len(_bars(ax)) == len(result.phases)
    assert len(ax.collections) == 2          # suspend and resume markers
    plt.close(ax.figure)


def test_pages(result):
    ax = pages(result.passes)
    assert len(_bars(ax)) == len(result.passes)
    precopy = (result.passes["stage"] == "precopy").sum()
    (line,) = ax.lines
    assert len(line.get_xdata()) == 2 * precopy
    assert ax.get_yscale() == "log"
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="no passes of migration 'x'"):
        pages(result.passes, "x")


def test_curves_one_line_per_policy_with_band(sweep):
    ax = curves(sweep.table, "links.lpm-10g.bandwidth", "total_time_s", keys=sweep.keys, unit="Gbps")
    assert len(ax.lines) == 2
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"policy=powervm", "policy=xen"}
    assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 2   # spread over seeds
    assert ax.get_xlabel() == "links.lpm-10g.bandwidth (Gbps)"
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="no column"):
        curves(sweep.table, "nope")


def test_evacuation(result):
    ax = evacuation(result.migrations, result.links, result.phases, window=7200)
    kinds = {c.get_label() for c in ax.containers}
    assert {"queue wait", "HMC steps", "transfer", "downtime"} <= kinds
    link_ax = ax.figure.axes[1]
    assert len(link_ax.lines) == result.links["link"].nunique() + 1     # + the window line
    assert link_ax.get_ylabel() == "link use (%)"
    plt.close(ax.figure)


def test_path_writes_png(result, tmp_path):
    pages(result.passes, path=tmp_path / "p.png")
    assert (tmp_path / "p.png").stat().st_size > 1000


def test_cli_plots_a_run_folder(result, tmp_path):
    result.save(tmp_path)
    res = CliRunner().invoke(main, ["plot", str(tmp_path), "--window", "2 h"])
    assert res.exit_code == 0, res.output
    for name in ("timeline.png", "pages-db01.png", "evacuation.png"):
        assert (tmp_path / name).stat().st_size > 1000, name


def test_cli_plots_a_sweep_folder(sweep, tmp_path):
    sweep.save(tmp_path)
    res = CliRunner().invoke(main, ["plot", str(tmp_path), "--out", str(tmp_path / "png")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "png" / "sweep-links.lpm-10g.bandwidth.png").exists()


def test_cli_plot_bad_input(tmp_path):
    res = CliRunner().invoke(main, ["plot", str(tmp_path)])
    assert res.exit_code == 2 and "no results to plot" in res.output
    res = CliRunner().invoke(main, ["plot", str(tmp_path / "missing")])
    assert res.exit_code == 2 and "no such results folder" in res.output
