"""QEMU 7.2's pre-copy loop, rule by rule, on the fluid page state.

Followed from QEMU 7.2 ``migration/migration.c`` (migration_thread, migration_iteration_run,
migration_update_counters, migration_rate_limit, migration_completion) and
``migration/ram.c`` (ram_save_setup, ram_save_pending, ram_save_iterate, find_dirty_block,
migration_bitmap_sync):

1. **Setup** (ram_save_setup -> ram_init_bitmaps): every page is marked dirty and the first
   sync runs (dirty-sync-count 1); it costs the policy's ``setup_time``. The first window
   starts at the migrate command, before setup (migration_thread calls
   update_iteration_initial_status before qemu_savevm_state_setup), so it has already run
   out when setup ends: the first burst closes it and a second quota follows at once (the
   qemu-dev series show two quotas within ms of the setup's end).
2. **Windows**: each BUFFER_DELAY (100 ms) window may carry max-bandwidth / 10 bytes
   (qemu_file_rate_limit); the thread sends them as fast as the path allows, then sleeps to
   the window's end. The scan goes round RAM in address order from where it stopped
   (find_dirty_block), zero pages interleaved at 9 bytes each; reading each zero page costs
   the thread ``zero_page_time`` (save_zero_page -> buffer_is_zero), which hides in the
   window's sleep unless burst + reads outlast the window (then the window closes late with
   its quota: QEMU closes it on time with less, the same bytes per second).
3. **Counters** at each window's end: bandwidth = bytes of the window / its length,
   threshold_size = bandwidth x downtime-limit (0 until the first window closes).
4. **Iteration test** (migration_iteration_run at each window's start, or at once when the scan
   finds nothing dirty): pending = dirty pages x 4 KiB (ram_save_pending). Below the threshold:
   sync (its cost stalls the thread) and test again; still below (or nothing pending): stop
   and copy (migration_completion). Otherwise keep sending.
5. **Quiet windows** (an engine shortcut, not QEMU's): while the rate holds, a window whose end
   test cannot fire decides nothing, and pending only falls between syncs, so the first window
   that can decide is known; the windows before it go as one flow at the same average rate.
   Exact for the migration (the same bytes at every window's end); with a rate limit it is
   used only while no other flow shares the path (others would see one smooth flow instead of
   bursts), and only while no window ahead reads more zero pages than the last one did (its
   reads fitted in its sleep). A rate change ends the skip at that instant.
6. **Steady state**: when the sync cycle repeats exactly (same length, same pending after the
   sync, to 1e-6), pre-copy can never converge at this rate; rather than simulate it window by
   window to the horizon, the mover holds the cycle's average rate on the network and counts
   its syncs and bytes in closed form until something changes (a flow's rate, an abort).
"""

from __future__ import annotations

import math
from collections import deque

from lpmsim.actors.records import GuestRecord
from lpmsim.kinds import Stage, StopReason

#: A steady state repeats with a period of up to this many syncs (window quantisation makes
#: cycles of 3, 3, 4 windows, say), three periods in a row, to this tolerance.
STEADY_PERIOD = 8
STEADY_TOLERANCE = 1e-6
#: Or (quasi-periodic cycles, whose phase in the 100 ms windows drifts): over the last
#: 3 x STEADY_PERIOD cycles the two halves have the same mean length and bytes to STATIONARY
#: (relative), pending after the syncs is not falling, and every cycle ends at least MARGIN
#: above the threshold, so the stop rule cannot fire; the held rate is then the mean (an
#: approximation to STATIONARY).
STATIONARY = 1e-3
MARGIN = 1.05
#: Fewer wire bytes than this left to send is nothing (a zero page costs 9): float residue.
EMPTY = 0.5
#: The size of the flow that holds a steady migration's rate (finite, never reached).
HOLD_BYTES = 1e300


def precopy_windows(mover):
    """Process steps of the mover: QEMU's pre-copy; returns the stop reason."""
    env, fluid, pol, tally = mover.env, mover.fluid, mover.policy, mover.tally
    part = mover.mig.plan.partition
    began = env.now  # the migrate command
    trigger = pol.postcopy_trigger()

    synced: list[float] = []  # the instants of the syncs (setup's first)

    def command() -> float:
        """When migrate-start-postcopy is sent (inf: not yet, or never)."""
        if trigger is None:
            return math.inf
        kind, value = trigger
        if kind == "syncs":
            n = math.ceil(value)
            return synced[n - 1] if 0 < n <= len(synced) else math.inf
        return began + value

    def start_postcopy() -> bool:  # has migrate-start-postcopy been sent by now?
        return env.now >= command() - 1e-12

    def hold_until(m: int) -> float:
        """Where a steady hold of cycles of ``m`` syncs must end: at the postcopy command (its
        instant, or the last whole cycle before the sync it waits for), or the last whole
        cycle before the sync that reaches ``max_passes``; the loop simulates the rest, so
        either comes at its own sync."""
        period = sum(c[0] for c in list(cycles)[-m:])

        def at_sync(n: float) -> float:
            return env.now + max(0, math.floor((n - tally.syncs) / m)) * period

        # the loop's own sync after the hold is the one that decides (n - 1 held at most)
        ends = [at_sync(pol.opts.max_passes)] if pol.opts.max_passes else []
        if trigger is not None:
            kind, value = trigger
            ends.append(at_sync(math.ceil(value) - 1) if kind == "syncs" else began + value)
        return min(ends, default=math.inf)

    def switch_now(w_end: float) -> bool:
        """postcopy_start: the migration thread acts on the command at its next iteration,
        under a cap the start of the next rate window (migration_rate_limit sleeps until then).
        A window that was over before the command (the first, overdue after setup) is not it:
        its close and the next burst come at once, before a client can answer the setup's
        MIGRATION_PASS event (the qemu-dev pass1 runs send two quotas before the switch)."""
        return start_postcopy() and env.now >= w_end - 1e-12 and w_end >= command() - 1e-12

    setup = pol.setup_time(part.pages)
    tally.setup_s = setup
    if setup:
        mover.hold_guest(env.now, setup)
        yield env.timeout(setup)
    fluid.fill(env.now)
    tally.syncs = tally.passes = 1
    synced.append(env.now)
    mover._begin_pass()
    quota = pol.precopy_cap() * pol.window if pol.precopy_cap() else math.inf
    threshold = 0.0
    w_start, w_bytes = began, fluid.sent_bytes  # iteration_start_time: before the setup
    cycles: deque = deque(maxlen=3 * STEADY_PERIOD + 1)
    last_sync = env.now
    per_window = 0.0  # bytes the last window carried, if nothing in it changed its pace
    last_scan = 0.0   # seconds it spent reading zero pages
    w_scan = 0.0      # seconds this window has spent reading zero pages
    clean = False     # this window so far: one rate, no sync
    while True:
        if per_window > 0 and env.now == w_start and trigger is None:
            # at a window's start: skip quiet windows (never with a postcopy command to come or
            # sent: the switch is due at the first window end after it)
            skipped = yield from _skip(mover, per_window, threshold, part.page_size, w_start,
                                       last_scan)
            if skipped is not None:
                w_start, w_bytes = skipped
                w_scan = 0.0
                clean = env.now == w_start
                if not clean:
                    per_window = 0.0
        if env.now == w_start:
            clean = True
        w_end = w_start + pol.window
        quota_left = quota - (fluid.sent_bytes - w_bytes)
        left = min(quota_left, fluid.pending_bytes())
        full = False
        if left > EMPTY:
            # a window already over (the first, after setup) still carries its quota
            until = w_end if w_end > env.now + 1e-12 else env.now + pol.window
            zeros = tally.zero_pages
            smooth, full = yield from _send(mover, left, until)
            # a regular window: its whole quota, or a full window at one rate
            clean = clean and smooth and (left == quota_left or quota == math.inf)
            scan = pol.zero_page_time * (tally.zero_pages - zeros)
            w_scan += scan
            if scan > 0:  # the thread also read the zero pages it sent (save_zero_page)
                yield env.timeout(scan)
                # past the window's end: CPU-bound, the window closes late (QEMU closes it on
                # time with less than its quota: the same bytes per second)
                clean = clean and env.now < until - 1e-12
        if env.now < w_end - 1e-12 and fluid.pending_bytes() > EMPTY:
            yield env.timeout(w_end - env.now)  # the quota is spent: sleep to the window's end
        if env.now >= w_end - 1e-12:
            window_bytes = fluid.sent_bytes - w_bytes
            per_window = window_bytes if clean and (
                full or window_bytes >= quota * (1 - 1e-12)) else 0.0
            last_scan = w_scan
            threshold = pol.threshold(window_bytes / (env.now - w_start))
            w_start, w_bytes, w_scan = env.now, fluid.sent_bytes, 0.0
        pending = _pending(fluid, part.page_size)
        mover.threshold = threshold
        if pending and pending >= threshold:
            if switch_now(w_end):  # postcopy_start (migration.c)
                mover._record_pass(tally.passes, Stage.PRECOPY)
                return StopReason.POSTCOPY
            continue
        if pending < threshold:  # ram_save_pending: sync below the threshold, then test again
            cost = pol.sync_time(fluid.written(env.now))
            fluid.sync(env.now)
            clean = False
            if cost:
                mover.hold_guest(env.now, cost)
                yield env.timeout(cost)
            mover._record_pass(tally.passes, Stage.PRECOPY)
            tally.syncs += 1
            synced.append(env.now)
            tally.passes += 1
            mover._begin_pass()
            pending = _pending(fluid, part.page_size)
            if pending and pending >= threshold:
                if pol.opts.max_passes and tally.syncs - 1 >= pol.opts.max_passes:
                    mover._record_pass(tally.passes, Stage.PRECOPY)
                    return StopReason.PASS_LIMIT
                cycles.append((env.now - last_sync, pending, fluid.sent_bytes, tally.normal_pages,
                               tally.zero_pages, tally.stall_s))
                last_sync = env.now
                period = _steady(cycles, threshold) if not start_postcopy() else 0
                if period and hold_until(period) > env.now + 1e-9:
                    yield from _hold_steady(mover, cycles, period, threshold,
                                            until=hold_until(period))
                    synced.extend([env.now] * (tally.syncs - len(synced)))  # the held syncs
                    cycles.clear()
                    w_start, w_bytes, last_sync = env.now, fluid.sent_bytes, env.now
                    w_scan = 0.0
                continue
        mover._record_pass(tally.passes, Stage.PRECOPY)
        return StopReason.CONVERGED


def _pending(fluid, page_size: int) -> float:
    """ram_save_pending: migration_dirty_pages (a whole number of pages) x TARGET_PAGE_SIZE.
    Rounding the expected count keeps the threshold test from flipping on float residue."""
    return round(fluid.pending()) * page_size


def _send(mover, nbytes: float, until: float):
    """Send up to ``nbytes`` (the window's quota, or what is dirty) before ``until``, as fast as
    the path allows (QEMU sends the quota in a burst, then sleeps to the window's end).
    Returns (one rate held all along, the window's end came first)."""
    env = mover.env
    mover.lanes.start(nbytes, None)
    last_t, last_d = begun = env.now, 0.0
    smooth = True  # one rate all along (returned: may the window be skipped like?)
    while True:
        wake = yield from mover.lanes.wait(until, watch=True)
        got = mover.lanes.delivered()
        mover.advance(got - last_d, last_t, wrap=True)
        last_t, last_d = env.now, got
        if wake.done:
            return smooth, False
        if wake.timer:
            mover.lanes.stop()
            return smooth, True
        smooth = smooth and not (wake.rate and env.now > begun[0])


def _skip(mover, per_window: float, threshold: float, page_size: int, w_start: float,
          scan: float):
    """Windows whose end test cannot fire decide nothing: while the rate holds, each carries
    ``per_window`` bytes and pending only falls (the log reaches the bitmap only at a sync), so
    the first window that can end below the threshold is known. Send the windows before it as
    one flow at the same average rate; return the new (window start, bytes at it), or None
    when there is nothing to skip. A rate change stops the skip at that instant, exactly.
    ``scan``: the seconds the last window spent reading zero pages, which fitted in it; no
    window skipped may need more."""
    env, fluid, pol = mover.env, mover.fluid, mover.policy
    if threshold <= 0:
        return None
    if pol.precopy_cap() and not _alone(mover):
        return None  # others on the path would see one smooth flow instead of bursts
    # the first instant _pending() < threshold: round(pages) < threshold / page_size
    need = fluid.bytes_until(math.ceil(threshold / page_size) - 0.5 - 1e-9)
    whole = math.floor(min(need, fluid.pending_bytes()) / per_window) - 1
    if whole < 2:
        return None
    rate = per_window / pol.window
    nbytes = whole * per_window
    reads = fluid.zero_share(nbytes) * per_window * pol.zero_page_time
    if reads > scan * (1 + 1e-9) + 1e-12:
        return None  # a window ahead scans more zero pages than the last: it may not fit
    mover.lanes.start(nbytes, rate)
    if mover.lanes.rate < rate * (1 - 1e-9):  # the path can no longer carry it
        mover.lanes.stop()
        return None
    began = env.now
    while True:
        wake = yield from mover.lanes.wait(math.inf, watch=True)
        if wake.done or mover.lanes.rate < rate * (1 - 1e-9) or wake.rate:
            break
    got = mover.lanes.stop() if not wake.done else nbytes
    mover.advance(got, began, wrap=True)
    if wake.done:
        return env.now, fluid.sent_bytes
    windows = math.floor((env.now - w_start) / pol.window + 1e-9)
    start = w_start + windows * pol.window
    return start, fluid.sent_bytes - (got - windows * per_window)


def _alone(mover) -> bool:
    """No other flow crosses any link of this migration's lanes."""
    links = {name for lane in mover.mig.lanes if lane.up for name in lane.path}
    return not any(f.owner != mover.mig.id and links.intersection(f.path)
                   for f in mover.network.flows)


def _steady(cycles: deque, threshold: float) -> int:
    """The number of syncs after which the cycle repeats (three times over), or 0."""
    c = list(cycles)
    for m in range(1, STEADY_PERIOD + 1):
        if len(c) < 3 * m + 1:
            break
        tail = c[-(3 * m + 1):]
        steps = [(b[0], b[1], b[2] - a[2]) for a, b in zip(tail, tail[1:])]
        if all(_same(steps[j][k], steps[j - m][k]) for j in range(m, 3 * m) for k in range(3)):
            return m
    if len(c) == cycles.maxlen:
        steps = [(b[0], b[1], b[2] - a[2]) for a, b in zip(c, c[1:])]
        half = len(steps) // 2
        length, pend, sent = zip(*steps)
        if all(x >= MARGIN * threshold for x in pend) and sum(pend[half:]) >= sum(pend[:half]) * (
                1 - STATIONARY) and all(abs(sum(col[:half]) - sum(col[half:])) <= STATIONARY * sum(
                    col[half:]) for col in (length, sent)):
            return len(steps)
    return 0


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= STEADY_TOLERANCE * max(abs(a), abs(b), 1e-9)


def _hold_steady(mover, cycles: deque, m: int, threshold: float, until: float = math.inf):
    """The cycle of ``m`` syncs repeats forever at this rate: keep its average rate on the
    network and count whole cycles (syncs, bytes) in closed form until the rate changes, the
    HMC aborts, or ``until`` (a migrate-start-postcopy due then)."""
    env, tally = mover.env, mover.tally
    last, first = cycles[-1], cycles[-1 - m]
    period = sum(c[0] for c in list(cycles)[-m:])
    per_cycle = last[2] - first[2]
    mover.steady_pages_per_cycle = (last[3] - first[3], last[4] - first[4])
    mover.steady_stall_per_cycle = last[5] - first[5]  # guest seconds the cycle's syncs hold
    mover.steady_syncs = m
    rate = per_cycle / period
    if not tally.steady:
        tally.steady = (f"steady from {env.now:.3f} s: pending {last[1]:.0f} B after every "
                        f"sync stays above the threshold {threshold:.0f} B ({m} sync(s) every "
                        f"{period:.3f} s, {rate:.0f} B/s): pre-copy cannot converge")
        mover.recorder.event(env.now, mover.mig.id, mover.scope, "non_converging", tally.steady)
    began = env.now
    mover.lanes.start(HOLD_BYTES, rate)
    mover.hold = (began, rate, period, per_cycle)
    try:
        while True:
            wake = yield from mover.lanes.wait(until, watch=True)
            if wake.done or wake.timer or env.now > began:  # a change at the start is the start
                break
    finally:
        mover.hold = None
        sent = mover.lanes.stop()
        _count(mover, sent / per_cycle if per_cycle > 0 else 0, per_cycle, env.now - began)
        mover.fluid.restart_clock(env.now)  # as if the last whole cycle's sync were now


def _count(mover, cycles: float, per_cycle: float, elapsed: float) -> None:
    """Account ``cycles`` steady cycles (the page state is the same after each whole one; a
    part cycle counts its bytes, not its sync), as one pass record that spans them."""
    if cycles <= 0:
        return
    tally = mover.tally
    tally.syncs += math.floor(cycles) * mover.steady_syncs
    tally.passes += math.floor(cycles) * mover.steady_syncs
    tally.bytes[Stage.PRECOPY] += cycles * per_cycle
    if mover.steady_stall_per_cycle > 0 and elapsed > 0:  # the held syncs' stalls, spread
        held = cycles * mover.steady_stall_per_cycle
        tally.stall_s += held
        mover.recorder.guest.append(GuestRecord(
            mover.mig.id, Stage.PRECOPY.value, mover.env.now - elapsed, mover.env.now,
            max(0.0, 1 - held / elapsed)))
    share = mover.steady_pages_per_cycle
    tally.normal_pages += cycles * share[0]
    tally.zero_pages += cycles * share[1]
    mover.fluid.sent_bytes += cycles * per_cycle
    zero = [k for k, r in enumerate(mover.mig.session.regions) if not r.normal]
    normal = [k for k, r in enumerate(mover.mig.session.regions) if r.normal]
    for ks, pages in ((normal, share[0]), (zero, share[1])):
        if ks:  # keep the per-region page tallies adding up
            mover.fluid.sent[ks[0]] += cycles * pages
    mover._record_pass(tally.passes, Stage.PRECOPY)
    mover._begin_pass()


def close_steady(mover, now: float) -> None:
    """At the horizon: count the whole cycles a steady mover completed (Mover.close)."""
    hold = getattr(mover, "hold", None)
    if not hold:
        return
    began, rate, period, per_cycle = hold
    sent = rate * (now - began)
    _count(mover, sent / per_cycle if per_cycle > 0 else 0, per_cycle, now - began)
    mover.hold = None


__all__ = ["close_steady", "precopy_windows"]
