"""Fidelity against measurements, held to stated targets per case family (lpmsim.fidelity.targets).

Every target is met, or it is a known gap with a reason that stands at a recorded value and
may not get worse. The qemu-dev cases are generated from shared/validation/qemu-dev by a
converter; the committed files must be what it writes.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from lpmsim.fidelity import CaseError, load_case, load_cases, report_frame
from lpmsim.fidelity.qemu_dev import LOOPBACK, REUSE_SPAN, REUSED_PAGES, platform_constants, read_rows
from lpmsim.fidelity.qemu_dev import case as qemu_case
from lpmsim.fidelity.targets import KNOWN_GAPS, TARGETS, met, statistic
from lpmsim.scenario.policies import ACCEL_DEFAULTS

ROOT = Path(__file__).resolve().parents[1]
VALIDATION = ROOT / "validation"
SHARED = ROOT.parent / "shared" / "validation" / "qemu-dev"


@pytest.fixture(scope="module")
def frame():
    return report_frame(load_cases(VALIDATION))


def test_every_case_has_a_citation_and_assumptions():
    for case in load_cases(VALIDATION):
        assert case.citation and case.assumptions, case.name
        assert case.measured, case.name


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: f"{t.family}-{t.metric}-{t.stat}")
def test_target_met_or_a_known_gap_that_does_not_worsen(frame, target):
    value = statistic(frame, target)
    assert not math.isnan(value), "no case of this family publishes the figure"
    gap = KNOWN_GAPS.get((target.family, target.metric, target.stat))
    if met(value, target):
        return
    assert gap is not None, f"{target}: {value:.4f} misses the target and is no known gap"
    recorded, reason = gap
    assert reason
    worse = value > recorded * 1.05 + 1e-3 if target.stat in ("median", "p90", "factor", "abs_median") else \
        value < recorded - 1e-3
    assert not worse, f"{target}: known gap got worse: {value:.4f} (recorded {recorded})"


def test_convergence_is_right_on_every_measured_run(frame):
    conv = frame[frame.metric == "converged"]
    assert len(conv) >= 18 and (conv.simulated == conv.measured).all()


@pytest.mark.skipif(not SHARED.exists(), reason="shared/validation/qemu-dev not beside the clone")
def test_after_setup_the_qemu_dev_total_time_meets_the_issue_target(frame):
    """The total-time gap is the setup's spread (393-1137 ms for one guest size on the loaded
    host, no input predicts it): with each run's measured setup in place of the platform's,
    the rest of the model meets issue 11's targets (median 3 %, p90 8 %)."""
    from lpmsim.fidelity.targets import setup_free

    free = setup_free(frame)
    assert len(free) == 17  # every converged pre-copy run
    assert free.median() <= 0.03 and free.quantile(0.9) <= 0.08


def test_qemu_dev_cases_are_what_the_converter_writes():
    import tomllib

    from lpmsim.fidelity.qemu_dev import postcopy_case
    for name, make, prefix in (("measurements.csv", qemu_case, "run"),
                               ("postcopy.csv", postcopy_case, "pc_run")):
        for row in read_rows(SHARED, name):
            path = VALIDATION / "qemu-dev" / f"{prefix}_{row['run_id']}.toml"
            assert tomllib.loads(path.read_text()) == make(row), path


@pytest.mark.skipif(not SHARED.exists(), reason="shared/validation/qemu-dev not beside the clone")
def test_tcg_defaults_are_the_estimates_over_the_whole_set():
    got = platform_constants(SHARED)
    tcg = ACCEL_DEFAULTS["tcg"]
    for key in ("setup_per_page", "sync_per_page", "device_state", "zero_page_time"):
        assert tcg[key] == pytest.approx(got[key], rel=0.02), key
    assert REUSED_PAGES == pytest.approx(got["reused_pages"], abs=1)
    assert REUSE_SPAN == got["reuse_span"]
    assert LOOPBACK == pytest.approx(got["loopback_Bps"], rel=0.01)


def test_a_broken_case_is_named(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\ncitation = "y"\n[measured]\nfoo = 1\n[scenario]\n')
    with pytest.raises(CaseError, match="bad.toml"):
        load_case(bad)


def test_the_committed_report_is_the_current_state(frame):
    """README: "The committed validation/REPORT.md is the current state" -- held to it."""
    from lpmsim.fidelity.report import report_markdown

    assert (VALIDATION / "REPORT.md").read_text() == report_markdown(load_cases(VALIDATION), frame) + "\n", (
        "regenerate: lpmsim fidelity && cp results/fidelity/report.md validation/REPORT.md")


def test_every_switch_mode_reads_as_a_trigger():
    from lpmsim.fidelity.qemu_dev import switch_trigger
    assert switch_trigger({"switch_mode": "pass1", "switch_after_pass": "1"}) == "1 passes"
    assert switch_trigger({"switch_mode": "pass3", "switch_after_pass": ""}) == "3 passes"
    assert switch_trigger({"switch_mode": "delay2", "switch_delay_s": "2.0"}) == "2 s"
    assert switch_trigger({"switch_mode": "delay1.5", "switch_delay_s": ""}) == "1.5 s"


@pytest.mark.skipif(not SHARED.exists(), reason="shared/validation/qemu-dev not beside the clone")
def test_the_converter_names_every_bad_row_at_once(tmp_path):
    """A held-out CSV with bad rows: every problem, with file and line, exit code 2, no
    traceback, nothing written."""
    import csv
    import subprocess
    import sys

    src = tmp_path / "src"
    src.mkdir()
    for name in ("measurements.csv", "postcopy.csv"):
        rows = read_rows(SHARED, name)
        if name == "measurements.csv":
            rows[0]["dirty_mode"] = "zigzag"
            rows[1]["mem_mib"] = "lots"
            rows[2]["bw_cap_bytes_per_s"] = ""
        else:
            rows[0] |= {"switch_mode": "whenever", "switch_after_pass": ""}
        with open(src / name, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    out = subprocess.run([sys.executable, "-m", "lpmsim.fidelity.qemu_dev", str(src),
                          str(tmp_path / "out")], capture_output=True, text=True)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    for text in ("4 problem(s)", "measurements.csv, line 2: dirty_mode = 'zigzag'",
                 "line 3: mem_mib = 'lots' is not a number",
                 "line 4: column 'bw_cap_bytes_per_s' is missing or empty",
                 "postcopy.csv, line 2: switch_mode = 'whenever'"):
        assert text in out.stderr, out.stderr
    assert not (tmp_path / "out").exists()
    missing = subprocess.run([sys.executable, "-m", "lpmsim.fidelity.qemu_dev",
                              str(tmp_path / "nowhere"), str(tmp_path / "out")],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "cannot be read" in missing.stderr
