"""The fidelity report must not get worse: every case's |relative error| stays within the figure
recorded in validation/errors.json (plus a small slack).

When a deliberate model change moves an error, regenerate the record and review the diff:

    lpmsim fidelity --out validation --write-errors validation/errors.json
    mv validation/report.md validation/REPORT.md; rm validation/report.csv
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from lpmsim.fidelity import CaseError, load_case, load_cases, report_frame

ROOT = Path(__file__).resolve().parents[1]
VALIDATION = ROOT / "validation"
#: An error may grow by this much (absolute) or 5% of itself before the test fails.
SLACK_ABS, SLACK_REL = 0.01, 0.05


@pytest.fixture(scope="module")
def frame():
    return report_frame(load_cases(VALIDATION))


@pytest.fixture(scope="module")
def recorded():
    return json.loads((VALIDATION / "errors.json").read_text())


def test_every_case_has_a_citation_and_assumptions():
    for case in load_cases(VALIDATION):
        assert case.citation and case.assumptions, case.name
        assert case.measured, case.name


def test_every_published_figure_is_recorded(frame, recorded):
    for r in frame.itertuples():
        assert r.metric in recorded.get(r.case, {}), (
            f"{r.case}.{r.metric} has no recorded error; regenerate validation/errors.json")


def test_errors_do_not_grow(frame, recorded):
    worse = []
    for r in frame.itertuples():
        limit = recorded[r.case][r.metric]
        err = abs(r.rel_error)
        if math.isnan(err) or err > limit * (1 + SLACK_REL) + SLACK_ABS:
            worse.append(f"{r.case} {r.metric}: |error| {err:.4f} > recorded {limit:.4f}")
    assert not worse, "fidelity got worse:\n" + "\n".join(worse)


def test_all_cases_complete(frame):
    assert set(frame["outcome"]) == {"completed"}


def test_bad_case_file_is_named(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\ncitation = "y"\n[measured]\nspeed = 3\n[scenario]\n')
    with pytest.raises(CaseError, match="measured.speed"):
        load_case(bad)
    (tmp_path / "nothing.toml").write_text('name = "x"\n')
    with pytest.raises(CaseError, match="citation"):
        load_case(tmp_path / "nothing.toml")


@pytest.mark.slow
def test_cli_writes_report(tmp_path):
    from click.testing import CliRunner

    from lpmsim.cli import main

    res = CliRunner().invoke(main, ["fidelity", "--cases", str(VALIDATION), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "qemu-idle-8g" in res.output
    for name in ("report.md", "report.csv", "scatter.png"):
        assert (tmp_path / name).stat().st_size > 0
    res = CliRunner().invoke(main, ["fidelity", "--cases", str(tmp_path / "none")])
    assert res.exit_code == 2 and "no such folder" in res.output
