"""QEMU 7.2's pre-copy loop, rule by rule, on the fluid page state.

Followed from QEMU 7.2 ``migration/migration.c`` (migration_thread, migration_iteration_run,
migration_update_counters, migration_rate_limit, migration_completion) and
``migration/ram.c`` (ram_save_setup, ram_save_pending, ram_save_iterate, find_dirty_block,
migration_bitmap_sync):

1. **Setup** (ram_save_setup -> ram_init_bitmaps): every page is marked dirty and the first
   sync runs (dirty-sync-count 1); it costs the policy's ``setup_time``. The first window
   starts when setup ends (``iteration_start_time``).
2. **Windows**: each BUFFER_DELAY (100 ms) window may carry max-bandwidth / 10 bytes
   (qemu_file_rate_limit); the thread sends them as fast as the path allows, then sleeps to
   the window's end. The scan goes round RAM in address order from where it stopped
   (find_dirty_block), zero pages interleaved at 9 bytes each.
3. **Counters** at each window's end: bandwidth = bytes of the window / its length,
   threshold_size = bandwidth x downtime-limit (0 until the first window closes).
4. **Iteration test** (migration_iteration_run at each window's start, or at once when the scan
   finds nothing dirty): pending = dirty pages x 4 KiB (ram_save_pending). Below the threshold:
   sync (its cost stalls the thread) and test again; still below (or nothing pending): stop
   and copy (migration_completion). Otherwise keep sending.
5. **Steady state**: when the sync cycle repeats exactly (same length, same pending after the
   sync, to 1e-6), pre-copy can never converge at this rate; rather than simulate it window by
   window to the horizon, the mover holds the cycle's average rate on the network and counts
   its syncs and bytes in closed form until something changes (a flow's rate, an abort).
"""

from __future__ import annotations

import math
from collections import deque

from lpmsim.kinds import Stage, StopReason

#: Sync cycles that must repeat before the state is called steady.
STEADY_CYCLES = 4
STEADY_TOLERANCE = 1e-6
#: The size of the flow that holds a steady migration's rate (finite, never reached).
HOLD_BYTES = 1e300


def precopy_windows(mover):
    """Process steps of the mover: QEMU's pre-copy; returns the stop reason."""
    env, fluid, pol, tally = mover.env, mover.fluid, mover.policy, mover.tally
    part = mover.mig.plan.partition
    setup = pol.setup_time(part.pages)
    tally.setup_s = setup
    if setup:
        yield env.timeout(setup)
    fluid.fill(env.now)
    tally.syncs = tally.passes = 1
    mover._begin_pass()
    quota = pol.precopy_cap() * pol.window if pol.precopy_cap() else math.inf
    threshold = 0.0
    w_start, w_bytes = env.now, fluid.sent_bytes
    cycles: deque = deque(maxlen=STEADY_CYCLES)
    last_sync = env.now
    while True:
        w_end = w_start + pol.window
        left = min(quota - (fluid.sent_bytes - w_bytes), fluid.pending_bytes())
        if left > 1e-9:
            yield from _send(mover, left, w_end)
        if env.now < w_end - 1e-12 and fluid.pending_bytes() > 1e-9:
            yield env.timeout(w_end - env.now)  # the quota is spent: sleep to the window's end
        if env.now >= w_end - 1e-12:
            threshold = pol.threshold((fluid.sent_bytes - w_bytes) / (env.now - w_start))
            w_start, w_bytes = env.now, fluid.sent_bytes
        pending = fluid.pending() * part.page_size
        if pending and pending >= threshold:
            continue
        if pending < threshold:  # ram_save_pending: sync below the threshold, then test again
            added = fluid.sync(env.now)
            cost = pol.sync_time(added)
            if cost:
                yield env.timeout(cost)
            mover._record_pass(tally.passes, Stage.PRECOPY)
            tally.syncs += 1
            tally.passes += 1
            mover._begin_pass()
            pending = fluid.pending() * part.page_size
            if pending and pending >= threshold:
                if pol.opts.max_passes and tally.syncs - 1 >= pol.opts.max_passes:
                    mover._record_pass(tally.passes, Stage.PRECOPY)
                    return StopReason.PASS_LIMIT
                cycles.append((env.now - last_sync, pending, fluid.sent_bytes, tally.normal_pages,
                               tally.zero_pages))
                last_sync = env.now
                if _steady(cycles):
                    yield from _hold_steady(mover, cycles, threshold)
                    cycles.clear()
                    w_start, w_bytes, last_sync = env.now, fluid.sent_bytes, env.now
                continue
        mover._record_pass(tally.passes, Stage.PRECOPY)
        return StopReason.CONVERGED


def _send(mover, nbytes: float, until: float):
    """Send up to ``nbytes`` (the window's quota, or what is dirty) before ``until``."""
    env = mover.env
    mover.lanes.start(nbytes, None)
    last_t, last_d = env.now, 0.0
    while True:
        wake = yield from mover.lanes.wait(until)
        got = mover.lanes.delivered()
        mover.advance(got - last_d, last_t, wrap=True)
        last_t, last_d = env.now, got
        if wake.done:
            return
        if wake.timer:
            mover.lanes.stop()
            return


def _steady(cycles: deque) -> bool:
    if len(cycles) < STEADY_CYCLES:
        return False
    lengths = [c[0] for c in cycles]
    pendings = [c[1] for c in cycles]
    bytes_ = [b - a for a, b in zip([c[2] for c in cycles], [c[2] for c in cycles][1:])]

    def flat(xs):
        return max(xs) - min(xs) <= STEADY_TOLERANCE * max(abs(x) for x in xs)
    return flat(lengths) and flat(pendings) and flat(bytes_)


def _hold_steady(mover, cycles: deque, threshold: float):
    """The cycle repeats forever at this rate: keep its average rate on the network and count
    whole cycles (syncs, bytes) in closed form until the rate changes or the HMC aborts."""
    env, tally = mover.env, mover.tally
    period = cycles[-1][0]
    per_cycle = cycles[-1][2] - cycles[-2][2]
    mover.steady_pages_per_cycle = (cycles[-1][3] - cycles[-2][3], cycles[-1][4] - cycles[-2][4])
    rate = per_cycle / period
    if not tally.steady:
        tally.steady = (f"steady from {env.now:.3f} s: pending {cycles[-1][1]:.0f} B after every "
                        f"sync stays above the threshold {threshold:.0f} B (one sync every "
                        f"{period:.3f} s, {rate:.0f} B/s): pre-copy cannot converge")
        mover.recorder.event(env.now, mover.mig.id, mover.scope, "non_converging", tally.steady)
    began = env.now
    mover.lanes.start(HOLD_BYTES, rate)
    mover.hold = (began, rate, period, per_cycle)
    try:
        yield from mover.lanes.wait(math.inf, watch=True)
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
    tally.syncs += math.floor(cycles)
    tally.passes += math.floor(cycles)
    tally.bytes[Stage.PRECOPY] += cycles * per_cycle
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
