"""lslparmigr-style progress (issue 14 item 3): states, bytes transmitted and remaining over
time, read from the records; printed by `lpmsim run --progress` and plotted."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from lpmsim.cli import main
from lpmsim.results.progress import table_at


def test_progress_adds_up(shipped):
    res = shipped("scenarios/flagship.toml")
    p, m = res.progress, res.migrations.set_index("migration")
    assert set(p.state) <= {"Migration Starting", "Migration In Progress", "Suspended", "Resumed",
                            "Completing", "Not Migrating"} | {f"Migration {o}" for o in m.outcome}
    for mig, rows in p.groupby("migration"):
        assert rows.time_s.is_monotonic_increasing
        assert rows.bytes_transmitted.is_monotonic_increasing
        assert (rows.bytes_remaining >= 0).all()
        last = rows.iloc[-1]
        assert last.bytes_transmitted == pytest.approx(m.loc[mig, "bytes_sent"], rel=1e-9)
        if m.loc[mig, "outcome"] == "completed":
            assert last.state == "Not Migrating" and last.bytes_remaining == 0
            assert last.time_s >= m.loc[mig, "end_s"] - 1e-9


def test_table_at_interpolates_between_samples(shipped):
    p = shipped("scenarios/flagship.toml").progress
    rows = p[p.migration == "erp-db"]
    a, b = rows.iloc[5], rows.iloc[6]          # pass 1 start and end
    mid = table_at(p, (a.time_s + b.time_s) / 2).set_index("migration").loc["erp-db"]
    assert mid.bytes_transmitted == pytest.approx((a.bytes_transmitted + b.bytes_transmitted) / 2)


def test_run_progress_prints_lslparmigr_lines_and_rejects_a_bad_interval(tmp_path):
    r = CliRunner().invoke(main, ["run", "scenarios/single-active.toml", "--progress", "30 s",
                                  "--no-plot", "--out", str(tmp_path / "r")])
    assert r.exit_code == 0, r.output
    assert "name=db01,migration_state=Migration In Progress,bytes_transmitted=" in r.output
    assert (tmp_path / "r" / "progress.csv").exists()
    r = CliRunner().invoke(main, ["run", "scenarios/single-active.toml", "--progress", "soon"])
    assert r.exit_code == 2 and "--progress" in r.output


def test_plot_draws_progress(tmp_path):
    out = tmp_path / "r"
    assert CliRunner().invoke(main, ["run", "flagship", "--no-plot", "--out", str(out)]).exit_code == 0
    r = CliRunner().invoke(main, ["plot", str(out)])
    assert r.exit_code == 0 and (out / "progress.png").exists()
