"""The reproducers of shared/reliability/repro (issue 15): every scenario file is answered with a
clean result or a clean error naming the key (exit 0 or 2), never a traceback or a hang."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from lpmsim.cli import main

REPRO = Path(__file__).resolve().parents[2] / "shared" / "reliability" / "repro"
FILES = sorted(REPRO.glob("*.toml")) if REPRO.exists() else []


@pytest.mark.skipif(not FILES, reason="shared/reliability/repro not beside the clone")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_repro_is_answered_cleanly_and_quickly(path, tmp_path):
    t0 = time.perf_counter()
    r = CliRunner().invoke(main, ["run", str(path), "--no-plot", "--out", str(tmp_path / "out")])
    assert time.perf_counter() - t0 < 30, "took too long"
    assert r.exit_code in (0, 1, 2), r.output  # 1: a migration did not complete
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output
    if r.exit_code == 2:  # bad input: every problem named by its key path
        assert "lpmsim:" in r.output
        assert re.search(r"^\s*- [\w.\[\]-]+: \S", r.output, re.M), r.output
    else:
        assert "results written" in r.output


def test_a_stop_before_the_start_is_refused_and_times_stay_positive():
    from builders import lone

    from lpmsim import scenario_from_dict, simulate
    raw = lone(memory="1 GiB")
    raw["migrations"][0]["start"] = "10 s"
    raw["faults"] = [{"kind": "stop", "migration": "p", "at": "1 s"}]
    res = simulate(scenario_from_dict(raw))
    m = res.migrations.iloc[0]
    assert m.outcome == "completed" and m.total_time_s > 0
    assert "stop_refused" in set(res.events.event)


def test_run_exit_codes_and_a_safe_default_folder(tmp_path, monkeypatch):
    """0 only when every migration completed, 1 otherwise; a scenario name never leads the
    default results folder outside results/."""
    from builders import lone

    import tomli_w
    monkeypatch.chdir(tmp_path)
    ok = lone(memory="1 GiB", name="../../escape")
    (tmp_path / "ok.toml").write_text(tomli_w.dumps(ok))
    r = CliRunner().invoke(main, ["run", "ok.toml", "--no-plot"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "results" / "escape" / "run.json").exists()
    assert not (tmp_path.parent.parent / "escape").exists()
    bad = lone(memory="1 GiB", horizon="1 s", name="short")
    (tmp_path / "short.toml").write_text(tomli_w.dumps(bad))
    r = CliRunner().invoke(main, ["run", "short.toml", "--no-plot"])
    assert r.exit_code == 1 and "unfinished" in r.output


def test_a_run_stops_at_its_event_budget_and_says_so():
    """Issue 15 class 2: a documented bound on the work a run may do, reported when hit."""
    from lpmsim import load_scenario, simulate

    res = simulate(load_scenario("scenarios/evacuation.toml", ["max_events=1000"]))
    m = res.migrations
    assert res.event_count == 1000
    assert (m.outcome == "unfinished").sum() > 0 and (m.outcome == "completed").sum() > 0
    assert m[m.outcome == "unfinished"].reason.str.contains("budget of 1,000 events").all()
