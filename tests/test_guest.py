"""The guest's experience (issue 12 items 1, 2, 6): it slows while pages are missing, each
request costs a round trip and the wait behind the stream, and the figures do not depend on
how finely the post-copy window is reported."""

from __future__ import annotations

import math

import numpy as np
import pytest
from builders import lone

import lpmsim.actors.mover as mover
from lpmsim import scenario_from_dict, simulate
from lpmsim.memory.regions import Region

HOT = Region("working", 10_000, 4096.0, 0.0, 50_000.0)       # 5 touches per page per second
COLD = Region("static", 90_000, 4096.0, 0.0, 0.0)


def totals(stall: float, missing=(1.0, 1.0), window: float = 2.0):
    pieces = mover.guest_progress([HOT, COLD], list(missing), window, stall)
    requests = sum(p[3] for p in pieces)
    lost = sum((b - a) * (1 - g) for a, b, g, _ in pieces)
    return pieces, requests, lost


def test_progress_is_a_share_and_requests_are_bounded():
    pieces, requests, lost = totals(0.05)
    assert all(0 < g <= 1 for _, _, g, _ in pieces)
    assert 0 < lost < 2.0
    # while stalled the single thread makes at most one request per stall
    assert requests <= 2.0 / 0.05 * (1 + 1e-9)
    assert requests <= mover.demand_faults([HOT, COLD], [1.0, 1.0], 2.0)  # <= full-speed faults


def test_no_stall_cost_means_no_slowdown_and_every_fault_a_request():
    _, requests, lost = totals(0.0)
    assert lost == pytest.approx(0.0, abs=1e-12)
    assert requests == pytest.approx(mover.demand_faults([HOT, COLD], [1.0, 1.0], 2.0), rel=1e-6)


def test_a_costlier_request_slows_more_and_asks_less():
    (_, r1, l1), (_, r2, l2) = totals(0.01), totals(0.1)
    assert l2 > l1 and r2 < r1


def test_nothing_missing_nothing_lost():
    _, requests, lost = totals(0.05, missing=(0.0, 0.0))
    assert requests == 0 and lost == 0


def test_figures_do_not_depend_on_the_report_intervals(monkeypatch):
    base = totals(0.05)
    monkeypatch.setattr(mover, "PROGRESS_INTERVALS", 64)
    fine = totals(0.05)
    assert fine[1] == pytest.approx(base[1], rel=1e-3)
    assert fine[2] == pytest.approx(base[2], rel=1e-3)


def _busy(latency="1 ms"):
    return scenario_from_dict(lone(memory="4 GiB", bandwidth="1 GB/s", latency=latency,
                                   workload={"kind": "uniform", "rate": "20000 pages/s",
                                             "working_set": "1 GiB", "read_rate": "50000 pages/s"}))


def test_postcopy_guest_columns_and_progress_frame():
    res = simulate(_busy())
    m = res.migrations.iloc[0]
    assert m.postcopy_s > 0 and 0 < m.rate_drop <= 1
    assert m.stall_s == pytest.approx(m.rate_drop * m.postcopy_s, rel=1e-9)
    assert m.fault_wait_s == pytest.approx(m.stall_s)
    assert m.stall_s <= m.postcopy_s * (1 + 1e-9)     # never more time lost than elapsed
    assert 0 < m.demand_requests == m.demand_pages
    p = res.guest
    assert len(p) and set(p.stage) == {"postcopy"}
    assert ((p.progress > 0) & (p.progress <= 1)).all()
    assert p.start_s.min() == pytest.approx(m.resume_s) and p.end_s.max() == pytest.approx(m.completed_s)
    lost = ((p.end_s - p.start_s) * (1 - p.progress)).sum()
    assert lost == pytest.approx(m.stall_s, rel=1e-9)


def test_a_shorter_round_trip_shortens_the_brownout():
    """Here the stream is TCP-bound (window / RTT), so the round trip sets both the request's
    cost and the stream's pace."""
    far, near = (simulate(_busy(latency)).migrations.iloc[0] for latency in ("1 ms", "0.1 ms"))
    assert near.stall_s < far.stall_s and near.postcopy_s < far.postcopy_s


def test_qemu_tcg_syncs_hold_the_guest_in_precopy():
    from lpmsim.fidelity import load_case
    case = load_case("validation/qemu-dev/pc_run_105.toml")
    res = simulate(case.scenario)
    m = res.migrations.iloc[0]
    pre = res.guest[res.guest.stage == "precopy"]
    assert len(pre) and (pre.progress == 0).all()
    held = float((pre.end_s - pre.start_s).sum())
    assert held >= m.setup_s * (1 - 1e-9)            # the setup sync stops a TCG guest
    assert m.stall_s == pytest.approx(held + ((res.guest.end_s - res.guest.start_s)
                                              * (1 - res.guest.progress))[
        res.guest.stage == "postcopy"].sum(), rel=1e-9)
    assert not math.isnan(m.rate_drop)


def test_kvm_syncs_do_not_hold_the_guest():
    raw = lone(memory="1 GiB", policy={"preset": "qemu", "accel": "kvm"},
               workload={"kind": "uniform", "rate": "1000 pages/s", "working_set": "64 MiB"})
    res = simulate(scenario_from_dict(raw))
    assert res.migrations.iloc[0].stall_s == 0 and res.guest.empty
    assert np.isnan(res.migrations.iloc[0].rate_drop)


def _downtime(memory="64 GiB", processors=1.0, rate="20000 pages/s", **hv):
    raw = lone(memory=memory, bandwidth="1 GB/s",
               workload={"kind": "uniform", "rate": rate, "working_set": "8 GiB"})
    raw["partitions"][0]["processors"] = processors
    raw["hypervisor"].update({"state_bytes": "16 MiB", "state_per_processor": "256 KiB",
                              "hpt_ratio": 1 / 64} | hv)
    return simulate(scenario_from_dict(raw)).migrations.iloc[0].downtime_s


def test_powervm_downtime_grows_with_the_partition_state():
    """Issue 12 item 4: suspended state = fixed + per processor + the HPT entries still stale."""
    base = _downtime()
    assert _downtime(processors=64) > base                    # 64 processors' state
    assert _downtime(memory="256 GiB") > base                 # a larger HPT, same stale pages
    assert _downtime(rate="200000 pages/s") > base            # more stale at the suspend
    assert _downtime(hpt_ratio=0) < base                      # radix: no HPT
    # closed form: 1 GB/s, no latency; the state's bytes at the link rate
    d64 = _downtime(processors=64) - base
    assert d64 == pytest.approx(63 * 256 * 2**10 / 1e9, rel=1e-6)


def test_the_integrator_meets_its_tolerance_whatever_the_report_times():
    at = np.array([0.0, 0.3, 1.0, 2.0])
    (y,) = mover.integrate(lambda t, y: [y[0]], [1.0], at)
    assert np.allclose(y, np.exp(at), rtol=1e-7)
    (fine,) = mover.integrate(lambda t, y: [y[0]], [1.0], np.linspace(0, 2, 41))
    assert fine[-1] == pytest.approx(y[-1], rel=1e-7)


def test_a_stalled_guest_fetches_fewer_pages_than_a_running_one():
    """The mechanism behind the rank of the measured rate drops: faults need a running thread."""
    pieces = mover.guest_progress([HOT, COLD], [1.0, 1.0], 2.0, 0.05)
    assert sum(p[3] for p in pieces) < mover.demand_faults([HOT, COLD], [1.0, 1.0], 2.0) * 0.5
