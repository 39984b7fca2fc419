"""Resolution independence: results must not move with how the work is cut into events.

The engine has no chunks (``hypervisor.chunk`` is accepted and ignored); the page state is a
fluid brought up to date in bulk between events. These tests hold that to account: sending in
one go or in any number of slices gives the same state, and an extra, unrelated event stream
(a background flow whose rate is zero) changes nothing in a migration's timeline.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from builders import lone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lpmsim import scenario_from_dict, simulate
from lpmsim.memory import PageFluid, Region

REGIONS = [Region("hot", 5_000, 4104, rate=40_000.0), Region("cold", 45_000, 4104, rate=5_000.0),
           Region("seq", 20_000, 4104, rate=3_000.0, sequential=True),
           Region("static", 30_000, 4104), Region("zero", 100_000, 9, normal=False)]


def _state(f: PageFluid, now: float) -> tuple:
    return (f.pending(), f.pending_bytes(), f.logged(now), f.sent_bytes, tuple(f.sent), f.cursor)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.001, 1.0), min_size=1, max_size=12), st.booleans(),
       st.sampled_from([False, True]))
def test_sending_in_slices_is_sending_at_once(cuts, wrap, sync_between):
    """The same bytes over the same time, in one send or in slices (sync semantics): the same
    page state, to rounding."""
    total_bytes, t0, t1 = 3e8, 1.0, 4.0
    whole = PageFluid(REGIONS, 0.0)
    whole.fill(0.0)
    whole.send(total_bytes, t0, t1, wrap=wrap)
    sliced = PageFluid(REGIONS, 0.0)
    sliced.fill(0.0)
    weights = [c / sum(cuts) for c in cuts]
    t, done = t0, 0.0
    for w in weights:
        nb = total_bytes * w
        dt = (t1 - t0) * w
        sliced.send(nb, t, t + dt, wrap=wrap)
        t, done = t + dt, done + nb
    for a, b in zip(_state(whole, t1), _state(sliced, t1)):
        for x, y in zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, tuple) else (b,)):
            assert math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-6)
    if sync_between:
        assert math.isclose(whole.sync(t1), sliced.sync(t1), rel_tol=1e-9, abs_tol=1e-6)


RUNS = st.builds(
    lambda pol, kind, rate, bw: lone(memory="1 GiB", bandwidth=f"{bw} MB/s", policy=pol,
                                     workload={"kind": kind, "rate": f"{rate} pages/s",
                                               "working_set": "30%", "read_rate": "2000 pages/s"},
                                     latency="0.2 ms", horizon="1 h"),
    st.sampled_from(["powervm", "xen", "qemu", {"preset": "qemu", "accel": "tcg"},
                     {"preset": "qemu", "max_bandwidth": "32 MiB/s"}]),
    st.sampled_from(["uniform", "hotcold", "sequential"]),
    st.integers(100, 30_000), st.integers(60, 1200))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RUNS, st.sampled_from(["1 MiB", "64 MiB", "auto"]))
def test_chunk_setting_changes_nothing(raw, chunk):
    """``hypervisor.chunk`` used to move results by up to 28%; now it is inert."""
    base = simulate(scenario_from_dict(raw), audit=True).migrations
    raw = {**raw, "hypervisor": {**raw["hypervisor"], "chunk": chunk}}
    other = simulate(scenario_from_dict(raw), audit=True).migrations
    pd.testing.assert_frame_equal(base, other)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RUNS, st.lists(st.floats(0.01, 200.0), min_size=1, max_size=8))
# found by this test: a flow's account re-summed at every network event put 1-ulp noise into a
# never-converging QEMU run, which flipped a sync decision 110 s later (3366 vs 3360 syncs)
@example(raw=lone(memory="1 GiB", bandwidth="60 MB/s",
                  policy={"preset": "qemu", "max_bandwidth": "32 MiB/s"},
                  workload={"kind": "uniform", "rate": "13849 pages/s", "working_set": "30%",
                            "read_rate": "2000 pages/s"}, latency="0.2 ms", horizon="1 h"),
         times=[4.00001])
def test_unrelated_events_change_nothing(raw, times):
    """Events that decide nothing for the migration (flows starting and ending on a link it
    does not use) wake the simulation at other instants; the timeline stays the same."""
    base = simulate(scenario_from_dict(raw)).migrations
    noisy = dict(raw)
    noisy["links"] = raw["links"] + [{"name": "other", "bandwidth": "1 Gbps"}]
    noisy["background"] = [{"link": "other", "rate": "10 MB/s", "start": f"{t} s",
                            "end": f"{t + 0.5} s"} for t in sorted(times)]
    other = simulate(scenario_from_dict(noisy)).migrations
    cols = ["total_time_s", "downtime_s", "postcopy_s", "bytes_sent", "passes", "syncs"]
    for c in cols:
        assert other[c].iloc[0] == pytest.approx(base[c].iloc[0], rel=1e-9, abs=1e-9,
                                                 nan_ok=True), c


def _no_skip(*args, **kwargs):
    return None
    yield  # a generator that skips nothing


CAPS = {"kvm": 1e9 / 8, "tcg": 48 * 2**20, "slow": 16 * 2**20}
POLICIES = {"kvm": {"preset": "qemu", "accel": "kvm", "max_bandwidth": 0},
            "tcg": {"preset": "qemu", "accel": "tcg", "max_bandwidth": "48 MiB/s"},
            "slow": {"preset": "qemu", "accel": "kvm", "max_bandwidth": "16 MiB/s",
                     "downtime_limit": "50 ms"}}
# Sync semantics only: with clear-on-send the page fluid averages the instants at which the
# scan passed each range (lpmsim.memory.fluid), so it is exact only to that spread.


def _run(which: str, rate: float, n: int, skip: bool, touched: str = "100%") -> pd.DataFrame:
    import lpmsim.actors.qemu as qemu
    raw = lone(memory="512 MiB", touched=touched, bandwidth="1 Gbps", policy=POLICIES[which],
               workload={"kind": "uniform", "rate": f"{rate!r} pages/s", "working_set": "20%"},
               horizon="3 min")
    raw["partitions"] = [dict(raw["partitions"][0], name=f"p{i}") for i in range(n)]
    raw["migrations"] = [dict(raw["migrations"][0], partition=f"p{i}") for i in range(n)]
    original = qemu._skip
    if not skip:
        qemu._skip = _no_skip
    try:
        return simulate(scenario_from_dict(raw)).migrations
    finally:
        qemu._skip = original


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(POLICIES)), st.floats(0.0, 4.0), st.integers(1, 2),
       st.sampled_from(["100%", "25%"]))
def test_skipping_quiet_qemu_windows_changes_nothing(which, load, n, touched):
    """QEMU's windows whose end test cannot fire are skipped in one flow; stepping through
    each of them must give the same timeline (concurrent migrations included; with zero pages
    to read, whose reading hides in a window's sleep or makes it CPU-bound).

    Near the critical rate the threshold rule is chaotic: a change of float rounding can
    decide convergence and the sync it happens at (a real near-critical QEMU is stochastic:
    shared/validation/qemu-dev README). Where three stepped runs whose dirty rates differ by one
    part in a million already scatter, the skipped run must land within their spread."""
    rate = load * CAPS[which] / 4096 / n
    fast = _run(which, rate, n, True, touched)
    stepped = [_run(which, rate * (1 + e), n, False, touched) for e in (0.0, -1e-6, 1e-6)]
    slow = stepped[0]
    outcomes = [(r.outcome == "completed").tolist() for r in stepped]
    done = (fast.outcome == "completed").to_numpy()
    assert done.tolist() in outcomes, "disagrees on convergence with every nearby stepped run"
    chaotic = outcomes.count(outcomes[0]) < 3 or any(
        not np.allclose(r.total_time_s, slow.total_time_s, rtol=5e-3, equal_nan=True)
        for r in stepped)
    if chaotic:  # the stepped runs themselves scatter: the skip must land among them
        times = np.array([r.total_time_s.to_numpy() for r in stepped])
        lo, hi = np.nanmin(times, axis=0), np.nanmax(times, axis=0)
        got = fast.total_time_s.to_numpy()
        ok = np.isnan(got) | ((got >= lo * (1 - 5e-3)) & (got <= hi * (1 + 5e-3)))
        assert ok.all(), f"{got} outside the stepped runs' spread [{lo}, {hi}]"
        return
    # the resolution bounds: time and bytes within 0.5%, downtime within 5% or 1 ms (a
    # window more or less when pending ties the threshold)
    # (a migration that never converges is held in closed form once its cycles are stationary:
    # its sync count and bytes at the horizon are approximations: the held rate is the mean of
    # cycles found stationary to 0.1%, and near the critical rate the stepped cycles may still
    # drift afterwards, by up to a few percent: README, "non-converging")
    assert fast.bytes_sent.to_numpy() == pytest.approx(slow.bytes_sent.to_numpy(), rel=5e-2)
    assert fast.total_time_s[done].to_numpy() == pytest.approx(slow.total_time_s[done], rel=5e-3)
    assert fast.bytes_sent[done].to_numpy() == pytest.approx(slow.bytes_sent[done], rel=5e-3)
    assert max((fast.syncs[done] - slow.syncs[done]).abs(), default=0) <= 1
    assert fast.downtime_s.to_numpy() == pytest.approx(slow.downtime_s.to_numpy(), rel=0.05,
                                                       abs=1e-3, nan_ok=True)
