"""The simulator against closed forms (DESIGN.md "Model semantics")."""

from __future__ import annotations

import math

import pytest

from builders import lone

from lpmsim import scenario_from_dict, simulate

GiB = 2**30


@pytest.mark.parametrize("policy", ["powervm", "xen", {"preset": "qemu", "max_bandwidth": 0}])
@pytest.mark.parametrize("memory,bandwidth", [(GiB, 1e9), (8 * GiB, 1.25e9), (3 * GiB + 4096, 7.3e7)])
def test_zero_dirty_rate_takes_memory_over_bandwidth(make, policy, memory, bandwidth):
    sc = make(memory=memory, bandwidth=bandwidth, policy=policy)
    r = simulate(sc).migrations.iloc[0]
    header = 8 if isinstance(policy, dict) else 0
    pages = memory // 4096
    expected_bytes = pages * (4096 + header)
    assert r.outcome == "completed"
    assert r.bytes_sent == pytest.approx(expected_bytes, rel=1e-12)
    assert r.total_time_s == pytest.approx(expected_bytes / bandwidth, rel=1e-6)
    if header:  # QEMU stops the guest once pending < bandwidth x 300 ms and sends the rest
        assert 0 < r.downtime_s <= 0.3 + 1e-9
    else:
        assert r.downtime_s == pytest.approx(0, abs=1e-9)


def test_untouched_pages_are_not_sent_except_as_qemu_zero_pages(make):
    powervm = simulate(make(memory=4 * GiB, touched="25%")).migrations.iloc[0]
    assert powervm.bytes_sent == GiB
    qemu = simulate(make(memory=4 * GiB, touched="25%",
                         policy={"preset": "qemu", "max_bandwidth": 0})).migrations.iloc[0]
    pages = 4 * GiB // 4096
    assert qemu.bytes_sent == pytest.approx(pages // 4 * 4104 + (pages - pages // 4) * 9)


def test_unused_pages_are_not_sent(make):
    sc = make(memory=4 * GiB, touched="50%", partitions=[{
        "name": "p", "system": "A", "memory": "4 GiB", "touched": "50%", "unused": "1 GiB"}])
    assert simulate(sc).migrations.iloc[0].bytes_sent == GiB


def test_qemu_rate_cap_applies_to_precopy_only(make):
    """128 MiB/s (a quota of cap/10 per 100 ms window) until pending < 128 MiB/s x 300 ms at a
    window's end; the rest at the link's 1 GB/s, stopped (migration_completion)."""
    r = simulate(make(memory=GiB, bandwidth=1e9, policy="qemu")).migrations.iloc[0]
    cap, total = 128 * 2**20, GiB * 4104 / 4096
    final = r.downtime_s * 1e9  # bytes sent while stopped, at link speed
    assert cap * 0.3 - cap * 0.1 * 1.01 <= final < cap * 0.3
    assert (total - final) / (cap * 0.1) == pytest.approx(round((total - final) / (cap * 0.1)))
    assert r.total_time_s == pytest.approx((total - final) / cap + final / 1e9, rel=1e-6)


def uniform_run(policy, rate_pages=20_000, bandwidth=1e9, memory=32 * GiB):
    """Uniform writes over a working set far larger than what one pass dirties."""
    return simulate(scenario_from_dict(lone(
        memory=memory, bandwidth=bandwidth, policy=policy, chunk="8 MiB",
        workload={"kind": "uniform", "rate": f"{rate_pages} pages/s"})))


def test_pass_volumes_follow_the_geometric_series():
    """V_i = V_0 (D/B)^i (Liu et al. style model, migration-models.md §1.1) with the classic
    ("sync") dirty log. Random writes hit some page twice: the expected distinct pages after n
    writes over W pages is W (1 - exp(-n/W)), so the pure series holds to about n/W = D/B
    (stated tolerance: D/B relative), and the collision-corrected one to 1%."""
    rate, bandwidth, page = 20_000, 1e9, 4096
    res = uniform_run({"preset": "xen", "max_iterations": 4, "target_dirty_count": 0}, rate, bandwidth)
    passes = res.passes[res.passes.stage == "precopy"]
    lam = rate * page / bandwidth
    w = 32 * GiB // page
    v0 = passes.iloc[0].bytes_sent
    expected = v0
    for i, row in enumerate(passes.itertuples()):
        assert row.bytes_sent == pytest.approx(v0 * lam**i, rel=lam), f"pass {i + 1}"
        assert row.bytes_sent == pytest.approx(expected, rel=0.01), f"pass {i + 1} (corrected)"
        writes = rate * row.bytes_sent / bandwidth  # writes during this pass
        expected = w * -math.expm1(-writes / w) * page


def test_qemu_switches_over_when_qemu_72_would():
    """QEMU 7.2 (migration_iteration_run + ram_save_pending): at each 100 ms window's end (or at
    once when nothing is left to send) pending = pages marked dirty x 4 KiB; below threshold =
    measured bandwidth x downtime-limit the bitmap is synced (the log, W (1 - exp(-r tau / W))
    distinct pages since the last sync, united with what is left) and tested again. A scalar
    replay of that rule, independent of the engine, gives the switchover instant and the bytes
    left for the downtime."""
    rate, bandwidth, limit, page, wire = 50_000, 1e9, 0.3, 4096, 4104
    res = uniform_run({"preset": "qemu", "max_bandwidth": 0, "downtime_limit": limit,
                       "accel": "kvm"}, rate, bandwidth, memory=8 * GiB)
    m = res.migrations.iloc[0]
    w = 8 * GiB // page
    t = t_sync = w_start = sent = thr = 0.0
    left = float(w)
    syncs = 1
    while True:
        dt = min(w_start + 0.1 - t, left * wire / bandwidth)
        left -= dt * bandwidth / wire
        sent += dt * bandwidth
        t += dt
        if t >= w_start + 0.1 - 1e-12:
            thr, w_start, sent = sent / (t - w_start) * limit, t, 0.0
        if left and left * page >= thr:
            continue
        if left * page < thr:
            left += (w - left) * -math.expm1(-rate * (t - t_sync) / w)
            t_sync, syncs = t, syncs + 1
            if left and left * page >= thr:
                continue
        break
    assert m.stop_reason == "converged"
    assert m.suspend_s == pytest.approx(t, rel=1e-9)
    assert m.syncs == syncs + 1  # and the final sync inside the downtime
    assert m.downtime_s == pytest.approx(left * wire / bandwidth, rel=1e-9)
    assert m.downtime_s <= limit


def test_powervm_resumes_before_the_dirty_pages_arrive():
    res = uniform_run({"preset": "powervm", "clean_fraction": 0.999}, rate_pages=30_000)
    m = res.migrations.iloc[0]
    post = res.passes[res.passes.stage == "postcopy"]
    assert m.downtime_s == pytest.approx(0, abs=1e-9)  # no state bytes, no overheads here
    assert m.postcopy_s > 0 and post.pages.sum() > 0
    assert math.isclose(m.bytes_sent, res.passes.bytes_sent.sum(), rel_tol=1e-12)


def test_qemu_postcopy_after_the_setup_sync_moves_no_ram_while_stopped(make):
    """migrate-start-postcopy at the first sync (QEMU 7.2 postcopy_start): the switch comes at
    the next window's end; the downtime sends the device state, no RAM; then the rest streams
    at max-postcopy-bandwidth until remaining < threshold, and the tail goes uncapped."""
    cap, link = 100e6, 1e9
    r = simulate(make(memory=GiB, bandwidth=link, policy={
        "preset": "qemu", "max_bandwidth": "100 MB/s", "postcopy": "1 passes"})).migrations.iloc[0]
    assert r.stop_reason == "postcopy"
    assert r.suspend_s == pytest.approx(0.1, abs=1e-9)  # one window of pre-copy
    assert r.ram_bytes == pytest.approx(GiB * 4104 / 4096, rel=1e-9)  # every page once
    left = GiB * 4104 / 4096 - cap * 0.1
    tail = cap * 0.3  # threshold = measured bandwidth x downtime-limit
    assert r.precopy_bytes == pytest.approx(cap * 0.1, rel=1e-9)
    assert r.suspended_bytes == 0
    assert r.postcopy_s == pytest.approx((left - tail) / cap + tail / link, rel=1e-3)


def test_qemu_tcg_sync_costs_per_page_in_the_dirty_log(make):
    """A TCG sync resets the TLB for every page the dirty log holds, whether or not the bitmap
    already marks it (cpu_physical_memory_sync_dirty_bitmap): a post-copy switch mid-pass, by
    time, stops for the pages written since the setup's sync, although most are still unsent
    and so add nothing; a switch right after a sync stops for almost none."""
    per_page, rate, ws_pages = 1e-5, 20_000, 16_384
    workload = {"kind": "uniform", "rate": f"{rate} pages/s", "working_set": "64 MiB"}

    def downtime(after):
        policy = {"preset": "qemu", "accel": "tcg", "max_bandwidth": "100 MB/s",
                  "postcopy": after, "setup_fixed": 0, "setup_per_page": 0,
                  "sync_fixed": 0, "sync_per_page": per_page, "device_state": 0}
        res = simulate(make(memory=GiB, bandwidth=1e9, workload=workload, policy=policy))
        r = res.migrations.iloc[0]
        assert r.stop_reason == "postcopy"
        return r.downtime_s, r.suspend_s

    def written(t):  # distinct pages of the working set written in t (uniform, with replacement)
        return ws_pages * (1 - math.exp(-rate * t / ws_pages))

    after_sync, at_sync = downtime("1 passes")
    by_time, at_time = downtime("0.5 s")
    assert at_sync == pytest.approx(0.1, abs=1e-9) and at_time == pytest.approx(0.5, abs=1e-9)
    assert after_sync == pytest.approx(per_page * written(at_sync), rel=1e-6)
    assert by_time == pytest.approx(per_page * written(at_time), rel=1e-6)


def test_qemu_first_window_opens_before_setup(make):
    """migration_thread sets iteration_start_time before qemu_savevm_state_setup, so when a
    setup longer than a window ends, the first burst closes the overdue window and a second
    quota follows at once: two windows' bytes by one window after setup."""
    cap = 100e6
    r = simulate(make(memory=GiB, bandwidth=1e9, policy={
        "preset": "qemu", "max_bandwidth": "100 MB/s", "postcopy": "0.3 s",
        "setup_fixed": 0.25, "setup_per_page": 0})).migrations.iloc[0]
    burst = cap * 0.1 / 1e9  # one quota at link speed
    # setup 0.25 s; quota 1 closes the overdue window [0, 0.1]; quota 2 opens [0.26, 0.36];
    # the switch (flag set at 0.3 s) waits for that window's end
    assert r.suspend_s == pytest.approx(0.25 + burst + 0.1, abs=1e-9)
    assert r.precopy_bytes == pytest.approx(2 * cap * 0.1, rel=1e-9)


def test_qemu_switch_after_the_setup_sync_waits_for_the_next_window(make):
    """migrate-start-postcopy sent on the setup's MIGRATION_PASS takes effect at the next rate
    window: the overdue first window's close and the second quota come before it (the qemu-dev
    pass1 runs: two quotas, then the switch ~100 ms after setup)."""
    cap = 100e6
    r = simulate(make(memory=GiB, bandwidth=1e9, policy={
        "preset": "qemu", "max_bandwidth": "100 MB/s", "postcopy": "1 passes",
        "setup_fixed": 0.25, "setup_per_page": 0})).migrations.iloc[0]
    burst = cap * 0.1 / 1e9
    assert r.suspend_s == pytest.approx(0.25 + burst + 0.1, abs=1e-9)
    assert r.precopy_bytes == pytest.approx(2 * cap * 0.1, rel=1e-9)


def test_qemu_postcopy_with_a_touching_guest_leaves_the_zero_pages_last(make):
    """The scan continues from each requested page, so a guest that touches its memory keeps
    it in the touched pages; the untouched zero pages (4 KiB each in remaining) are left for
    the end, and the completion's uncapped tail carries no normal page. Without touches the
    scan keeps address order and the tail is the threshold's worth."""
    cap, link = 100e6, 1e9

    def run(workload):
        return simulate(make(memory=GiB, touched="50%", bandwidth=link, workload=workload,
                             policy={"preset": "qemu", "max_bandwidth": "100 MB/s",
                                     "postcopy": "1 passes", "zero_page_time": 0}
                             )).migrations.iloc[0]

    touching = run({"kind": "uniform", "rate": "1 pages/s", "working_set": "1%",
                    "read_rate": "1000 pages/s"})
    idle = run(None)
    normal = GiB / 2 * 4104 / 4096 - cap * 0.1   # what is left of the touched half
    zeros = GiB / 2 / 4096 * 9
    assert touching.postcopy_s == pytest.approx((normal + zeros) / cap, rel=2e-3)
    # address order: the last threshold's pages (30 MB / 4 KiB) are half normal, sent uncapped
    tail = cap * 0.3 / 4096 / 2 * 4104
    assert idle.postcopy_s == pytest.approx(touching.postcopy_s - tail / cap + tail / link,
                                            rel=2e-3)


@pytest.mark.parametrize("after", ["60 s", "100 passes"])  # the hold starts at sync 53
def test_qemu_postcopy_command_ends_a_non_converging_precopy(make, after):
    """A pre-copy that can never converge is held in closed form (its steady cycle); the
    migrate-start-postcopy command still comes when it is due, and the switch follows."""
    raw = make(memory=GiB, bandwidth=1e9, workload={"kind": "uniform", "rate": "30000 pages/s",
                                                    "working_set": "512 MiB"},
               policy={"preset": "qemu", "max_bandwidth": "100 MB/s", "postcopy": after},
               horizon="1 h")
    never = simulate(make(memory=GiB, bandwidth=1e9,
                          workload={"kind": "uniform", "rate": "30000 pages/s",
                                    "working_set": "512 MiB"},
                          policy={"preset": "qemu", "max_bandwidth": "100 MB/s"}, horizon="1 h"))
    assert never.migrations.outcome[0] == "unfinished" and never.migrations.steady[0]
    m = simulate(raw).migrations.iloc[0]
    assert m.stop_reason == "postcopy" and m.outcome == "completed"
    assert m.steady  # it was held before the command came
    if after == "60 s":
        assert 60 <= m.suspend_s <= 60.1 + 1e-9      # at the next window start
    else:
        assert m.syncs == 100 + 1                     # the command's sync, then the final one


def test_qemu_switch_on_a_later_sync_comes_at_the_next_window(make):
    """migrate-start-postcopy sent on the second sync (libvirt's --postcopy-after-precopy)
    switches at the next window end, not after a run of quiet windows."""
    res = simulate(make(memory=4 * GiB, bandwidth=1e9,
                        workload={"kind": "uniform", "rate": "20000 pages/s", "working_set": "1 GiB"},
                        policy={"preset": "qemu", "max_bandwidth": "100 MB/s",
                                "postcopy": "2 passes"}))
    second_sync = res.passes.end_s[0]
    assert second_sync < res.migrations.suspend_s[0] <= second_sync + 0.1 + 1e-9


def test_qemu_pass_limit_ends_a_non_converging_precopy(make):
    """max_passes holds even when the pre-copy has settled in its steady cycle (held in
    closed form): the migration stops at the limit, not at the horizon."""
    m = simulate(make(memory=GiB, bandwidth=1e9,
                      workload={"kind": "uniform", "rate": "30000 pages/s", "working_set": "512 MiB"},
                      policy={"preset": "qemu", "max_bandwidth": "100 MB/s", "max_passes": 500},
                      horizon="1 h")).migrations.iloc[0]
    assert m.stop_reason == "pass_limit" and m.outcome == "completed"
    assert m.syncs == 1 + 500 + 1   # setup's, the limit's, the final one: as without a hold


def _zero_scan_run(make, cap, cost):
    """An idle 1 GiB guest with 10 % touched, a 10 GB/s path, no setup or sync cost."""
    return simulate(make(memory=GiB, touched="10%", bandwidth=10e9, policy={
        "preset": "qemu", "max_bandwidth": cap, "zero_page_time": cost, "setup_fixed": 0,
        "setup_per_page": 0, "sync_fixed": 0, "sync_per_page": 0}))


def _zero_scan(make, cap, cost):
    return _zero_scan_run(make, cap, cost).migrations.iloc[0]


def test_qemu_reading_zero_pages_costs_the_thread_its_time_when_nothing_caps_it(make):
    """Uncapped, the thread sends the touched pages at the path's speed and reads every zero
    page besides (save_zero_page's buffer_is_zero): pass 1 lasts bytes / path + zeros x
    zero_page_time."""
    free, costly = _zero_scan(make, 0, 0), _zero_scan(make, 0, "1 us")
    zeros = GiB // 4096 - round(GiB * 0.1 / 4096)
    assert costly.zero_pages == free.zero_pages == pytest.approx(zeros, abs=1)
    assert costly.precopy_s - free.precopy_s == pytest.approx(zeros * 1e-6, rel=1e-9)
    assert costly.bytes_sent == free.bytes_sent


def test_qemu_zero_page_reads_hide_in_a_window_whose_burst_leaves_time(make):
    """Under a cap each window's quota goes in a burst and the thread sleeps to the window's
    end; reading the window's zero pages fits in that sleep unless burst + reads outlast the
    window. At 100 MB/s a window carries ~2.4 k normal pages and ~22 k zero pages (~22 ms at
    1 us): no change but the last window's. At 1 GB/s (~220 ms of reads a window) the cap no longer binds."""
    low = [_zero_scan(make, "100 MB/s", c) for c in (0, "1 us")]
    assert low[1].syncs == low[0].syncs and low[1].bytes_sent == low[0].bytes_sent
    # every window's reads hide in its sleep but the last one's: then nothing is left to wait
    # for, and the stop comes when the reads are done. A window holds 10 MB: ~21.9 k zeros
    per_window = 100e6 * 0.1 * (low[0].zero_pages / low[0].bytes_sent)
    assert 0 < low[1].precopy_s - low[0].precopy_s <= per_window * 1e-6 * (1 + 1e-9)
    high = [_zero_scan_run(make, "1 GB/s", c) for c in (0, "1 us", "2 us")]
    done = [r.migrations.precopy_s[0] for r in high]
    assert done[0] == pytest.approx(0.1)  # the first window's quota, then the stop
    # CPU-bound: every window lasts its burst on the path plus its reads, no sleep, so
    # pre-copy = its bytes / the path's rate + the zero pages it read x the cost, at any cost
    for r, cost in zip(high[1:], (1e-6, 2e-6)):
        pre = r.passes[r.passes.stage == "precopy"]
        rate = r.links[r.links.link == "net"].rate_Bps.max()
        burst = pre.bytes_sent.sum() / rate
        assert r.migrations.precopy_s[0] == pytest.approx(burst + pre.zero_pages.sum() * cost,
                                                          rel=1e-9)
    assert done[1] > done[0] + 0.1


@pytest.mark.parametrize("cap", [100e6, 500e6, 950e6])
def test_qemu_postcopy_request_waits_for_the_next_window_unless_a_burst_serves_it(make, cap):
    """While a window's quota is spent qemu_savevm_state_iterate returns at once, so a request
    waits for the next window unless it comes during the burst (b = quota / path): the mean
    wait is (window - b)^2 / (2 window). Every request stops the guest that long plus the page
    at the stream's rate, so the guest's lost time over its requests is exactly that."""
    link = 1e9
    m = simulate(make(memory=GiB, touched="50%", bandwidth=link, workload={
        "kind": "uniform", "rate": "100 pages/s", "working_set": "10%",
        "read_rate": "20000 pages/s"}, policy={
        "preset": "qemu", "max_bandwidth": cap, "postcopy": "1 passes",
        "zero_page_time": 0})).migrations.iloc[0]
    burst = cap * 0.1 / link
    wait = (0.1 - burst) ** 2 / 0.2
    assert m.demand_requests > 10
    per_request = m.fault_wait_s / m.demand_requests
    stream = m.postcopy_bytes / m.postcopy_s  # the stream's mean rate
    assert per_request == pytest.approx(wait + 4104 / stream, rel=0.02)
