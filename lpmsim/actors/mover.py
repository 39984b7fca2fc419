"""The mover: the data path of one migration, source hypervisor -> source MSP -> network ->
destination MSP -> destination hypervisor (seed steps 6, 7 and 8).

"The MSPs send and receive small amounts of data at a time ... these steps continuously overlap
and are repeated until all of the data is transferred" (HMC V7R340 help, MSP). The engine does
not chop that stream into chunks: the page state is a fluid (:mod:`lpmsim.memory.fluid`), each
stretch of sending is one flow per lane, and the simulation wakes only where something is
decided: a pass ends, a stop threshold is crossed (its instant solved for), a rate window closes
(QEMU), a flow's rate changes, a lane fails. In between, the page state is brought up to date in
bulk from the bytes the flows delivered.

1. pre-copy until the policy stops it (pass policies here, QEMU's windows in
   :mod:`lpmsim.actors.qemu`); then the HMC suspends the partition;
2. while suspended: the final sync, all dirty pages if the policy says so, the partition state;
3. after resume (post-copy): the remaining pages in the background while the running partition
   faults the ones it touches (demand paging), until the last lands: VASI COMPLETED.

The mover writes only its own :class:`~lpmsim.actors.migration.Tally` and the pass records. When
every lane is broken its process fails with the cause (:class:`MoverFailed`); the HMC, which
waits on it, decides the outcome. Only the HMC interrupts the mover (an abort).
"""

from __future__ import annotations

import math
from typing import cast

import numpy as np
import simpy

from lpmsim.actors.hypervisor import Hypervisor
from lpmsim.actors.lanes import LaneStream, MoverFailed
from lpmsim.actors.migration import Migration
from lpmsim.actors.records import GuestRecord, PassRecord, Recorder
from lpmsim.actors.vasi import State
from lpmsim.kinds import Stage, StopReason
from lpmsim.memory import PageFluid
from lpmsim.policy.base import PassPolicy

#: Fewer wire bytes than this left to send is nothing (float residue; a zero page costs 9).
EMPTY = 0.5

#: Gauss-Legendre nodes for the demand-paging integral over a post-copy window.
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(48)


class Mover:
    def __init__(self, env: simpy.Environment, mig: Migration, src: Hypervisor, dst: Hypervisor,
                 recorder: Recorder, tcp_window: float, audit: bool = False):
        self.env, self.mig, self.src, self.dst = env, mig, src, dst
        self.recorder = recorder
        self.network = mig.lanes[0].src.network
        self.scope = mig.lanes[0].src.scope
        self.lanes = LaneStream(env, self.network, mig, recorder, tcp_window)
        self.audit = audit
        assert mig.session is not None
        self.session = mig.session
        self.fluid: PageFluid = mig.session.fluid
        self.tally = mig.tally
        self.policy = mig.plan.policy
        # start, bytes, normal and zero pages when the pass being recorded began
        self._pass: tuple[float, float, float, float] = (env.now, 0.0, 0.0, 0.0)
        self._open = False
        self.threshold = 0.0  # QEMU: the last threshold_size (bytes), for the post-copy tail
        self.hold = None  # a steady QEMU cycle held in closed form (lpmsim.actors.qemu)
        self.steady_pages_per_cycle = (0.0, 0.0)
        self.steady_syncs = 1

    # -- the three stages ------------------------------------------------------------------
    def run(self):
        """Process: move the partition's memory; ends when VASI is COMPLETED, when the HMC
        interrupts it (abort), or fails with a :class:`MoverFailed` when no lane is left."""
        mig = self.mig
        assert mig.stream is not None and mig.precopy_done is not None
        try:
            if self.policy.scan == "window":
                from lpmsim.actors.qemu import precopy_windows
                reason = yield from precopy_windows(self)
            else:
                reason = yield from self.precopy_passes()
            self.tally.stop_reason = str(reason)
            self.recorder.event(self.env.now, mig.id, self.scope, "precopy_stop", str(reason))
            mig.precopy_done.succeed(reason)
            yield mig.stream.when[State.SUSPENDED]
            yield from self.suspended_copy()
            yield mig.stream.when[State.RESUMED]
            yield from self.postcopy()
            if self.audit:
                self.check()
            mig.stream.set(State.COMPLETED, f"{self.dst.system}.hypervisor")
        except simpy.Interrupt:
            pass  # the HMC aborts the migration
        finally:
            self.lanes.stop()

    def precopy_passes(self):
        """Pass policies (PowerVM, Xen): pass k sends the pages dirty when it began; pass 1 is
        every touched page and always completes; then the policy's rules apply."""
        fluid, pol, env = self.fluid, cast(PassPolicy, self.policy), self.env
        started = env.now
        fluid.fill(env.now)
        self.tally.passes = self.tally.syncs = 1
        touched = self.session.touched_pages
        self._begin_pass()
        while True:
            target = pol.stop_target(self.tally.passes, touched)
            deadline = started + pol.timeout if self.tally.passes > 1 else math.inf
            reason = yield from self.rest_of_pass(target, deadline)
            self._record_pass(self.tally.passes, Stage.PRECOPY)
            if reason is None:
                reason = pol.at_pass_end(self.tally.passes, fluid.stale(env.now), touched)
            if reason is None and env.now - started >= pol.timeout:
                reason = StopReason.TIMEOUT
            if reason is not None:
                return reason
            fluid.sync(env.now, rewind=True)
            self.tally.passes += 1
            self.tally.syncs += 1
            self._begin_pass()

    def rest_of_pass(self, target: float | None, deadline: float):
        """Send to the end of the pass; stop early ("converged") the instant at most ``target``
        pages are stale, or ("timeout") at ``deadline``. Returns the reason, or None."""
        fluid, env = self.fluid, self.env
        while True:
            ahead = fluid.ahead_bytes()
            if target is not None and fluid.stale(env.now) <= target * (1 + 1e-9) + 1e-6:
                return StopReason.CONVERGED
            if env.now >= deadline:
                return StopReason.TIMEOUT
            if ahead <= EMPTY:
                return None
            self.lanes.start(ahead, self.policy.precopy_cap())
            last_t, last_d = env.now, 0.0
            while True:
                stop_at = deadline
                if target is not None:
                    stop_at = min(stop_at, self.crossing(target, self.lanes.rate, ahead - last_d))
                wake = yield from self.lanes.wait(stop_at, watch=target is not None)
                got = self.lanes.delivered()
                self.advance(got - last_d, last_t, wrap=False)
                last_t, last_d = env.now, got
                if wake.done:
                    break
                if wake.timer:
                    self.lanes.stop()
                    break

    def suspended_copy(self):
        """While suspended: the final sync (every write up to the suspend), all dirty pages when
        the policy keeps the partition suspended for them, then the partition state. QEMU adds
        the sync's cost (under the big lock) and its device state (ram_save_complete, then
        qemu_savevm_state_complete_precopy's device sections)."""
        fluid, env, mig, pol = self.fluid, self.env, self.mig, self.policy
        cost = pol.sync_time(fluid.written(env.now))
        fluid.sync(env.now)
        fluid.freeze(env.now)
        self.tally.syncs += 1
        self._begin_pass()
        if cost:
            yield env.timeout(cost)
        if pol.suspended_send == "all" and self.tally.stop_reason != StopReason.POSTCOPY:
            nbytes = fluid.pending_bytes()
            if nbytes > 0:
                t0, zeros = env.now, self.tally.zero_pages
                yield from self.lanes.send(nbytes, None)  # the rate limit is lifted
                self.advance(nbytes, t0, wrap=True, stage=Stage.SUSPENDED)
                scan = pol.zero_page_time * (self.tally.zero_pages - zeros)
                if scan > 0:  # the zero pages among them are read too (save_zero_page)
                    yield env.timeout(scan)
        if pol.device_state:
            yield env.timeout(pol.device_state)
        yield from self.send_state()
        yield env.timeout(self.network.path_latency(mig.lanes[0].path))  # the last byte lands
        self._record_pass(self.tally.passes + 1, Stage.SUSPENDED)
        assert mig.state_sent is not None
        mig.state_sent.succeed()

    def partition_state(self) -> float:
        """Bytes of partition state that move while suspended: the fixed part, each virtual
        processor's state, and the hashed page table entries changed since they were last
        sent. The HPT is pre-copied like memory, with its changed entries re-sent (the rule of
        QEMU's sPAPR HPT migration, htab_save_iterate / htab_save_complete in hw/ppc/spapr.c;
        PowerVM's is not public): assumed to change with the pages it maps, so the share left
        for the suspended stage is the share of pages stale at the suspend."""
        params, part = self.src.params, self.mig.plan.partition
        if self.policy.name != "powervm":  # QEMU and Xen send their own device state
            return params.state_bytes
        pages = max(1, part.pages)
        stale = min(1.0, self.fluid.stale(self.env.now) / pages)
        hpt = params.hpt_ratio * part.memory * stale
        return params.state_bytes + params.state_per_processor * math.ceil(part.processors) + hpt

    def send_state(self):
        state = self.partition_state()
        self.tally.state_bytes = state
        if state:
            yield from self.lanes.send(state, None)
            self.tally.bytes[Stage.SUSPENDED] += state

    def postcopy(self):
        """After resume: the pages still on the source stream in the background (address order
        from where the scan stood) while the partition faults the ones it touches. Every missing
        page is sent once either way, so the stream takes pending bytes / rate; the faults are
        the integral of the touch rate over the missing pages (see :func:`demand_faults`)."""
        fluid, env = self.fluid, self.env
        nbytes = fluid.pending_bytes()
        self._begin_pass()
        if nbytes <= 0:
            return
        missing = self._missing_by_region()
        t0 = env.now
        if self.policy.scan == "window":
            # QEMU post-copy: the background stream at max-postcopy-bandwidth until remaining
            # (pages x 4 KiB) < threshold, then migration_completion sends the rest uncapped
            page = self.mig.plan.partition.page_size
            capped, zeros, tail_zeros = self._capped_postcopy(self.threshold / page)
            capped = min(nbytes, capped)
            if capped > 0:
                yield from self.lanes.send(capped, self.policy.postcopy_cap())
                yield env.timeout(self._zero_reads_beyond(capped, zeros))
            if nbytes - capped > 0:
                yield from self.lanes.send(nbytes - capped, None)
                yield env.timeout(self.policy.zero_page_time * tail_zeros)
        else:
            yield from self.lanes.send(nbytes, None)
        window = env.now - t0
        self.advance(nbytes, t0, wrap=True, stage=Stage.POSTCOPY)
        faults = self._guest_during_postcopy(t0, window, nbytes, missing)
        if faults:
            self.recorder.event(env.now, self.mig.id, f"{self.dst.system}.hypervisor",
                                "demand_paging", f"{faults:.0f} requests")
        self._record_pass(self.tally.passes + 2, Stage.POSTCOPY, demanded=faults)

    def _touching(self) -> bool:
        return any(r.touch > 0 for r in self.session.regions)

    def _capped_postcopy(self, tail_pages: float) -> tuple[float, float, float]:
        """(bytes, zero pages) the post-copy stream sends under its cap, until at most
        ``tail_pages`` pages (zero pages included) are left, and the zero pages of the uncapped
        tail. The scan continues from each requested page (QEMU 7.2, ram_save_queue_pages), so
        while the guest touches memory it keeps being pulled back into the touched (normal)
        pages and reaches the untouched zero pages last: those stay counted in remaining until
        the end, and the uncapped tail carries little of the normal pages (the qemu-dev
        post-copy runs that switched before pre-copy crossed the zero pages flush 0-1.8 MB, not
        the threshold's 7.5-15 MB). A guest that touches nothing makes no requests: the scan
        keeps address order, and the tail holds its share of the zero pages."""
        fluid = self.fluid
        pending = fluid.pending()
        normal_pages = fluid.pending(normal_only=True)
        zero_pages = pending - normal_pages
        if not self._touching():
            tail = zero_pages * min(1.0, tail_pages / pending) if pending > 0 else 0.0
            return fluid.bytes_until(tail_pages), zero_pages - tail, tail
        tail = min(zero_pages, tail_pages)
        zero_cost = next((r.cost for r in self.session.regions if not r.normal), 0.0)
        normal_bytes = fluid.pending_bytes() - zero_pages * zero_cost
        if zero_pages >= tail_pages:  # the tail is zero pages only
            return normal_bytes + (zero_pages - tail_pages) * zero_cost, zero_pages - tail, tail
        per_page = normal_bytes / normal_pages if normal_pages > 0 else 0.0
        return max(0.0, normal_bytes - (tail_pages - zero_pages) * per_page), 0.0, tail

    def _zero_reads_beyond(self, capped: float, zeros: float) -> float:
        """Seconds the capped post-copy stream takes beyond its bytes at the cap because the
        thread also reads its ``zeros`` zero pages (zero_page_time each). With a touching guest
        they come last, together: windows that only read them are CPU-bound once reading a
        page takes longer than its 9 bytes take at the cap. Otherwise they are spread through
        the stream, and only add when reading them all outlasts the stream at the cap."""
        cost, cap = self.policy.zero_page_time, self.policy.postcopy_cap()
        if cost <= 0 or zeros <= 0 or not cap:
            return 0.0
        at_cap = zeros * self.policy.zero_page_bytes if self._touching() else capped
        return max(0.0, zeros * cost - at_cap / cap)

    def request_stall(self, nbytes: float, window: float) -> float:
        """Seconds a touch of a missing page stops the guest: the request goes to the source
        and the page comes back (one round trip over the MSP path) after the policy's wait for
        the sender to serve it (QEMU: the next rate window), else behind what the stream already
        has on the connection (the TCP window of each stream: head-of-line blocking on TCP),
        drained at the stream's rate."""
        rate = nbytes / window if window > 0 else math.inf
        lane = self.mig.lanes[0]
        page = self.mig.plan.page_wire_bytes
        path = min((self.network.capacity(name) for name in lane.path), default=math.inf)
        wait = self.policy.request_wait(path)
        if wait is None:
            wait = min(lane.streams * self.lanes.tcp_window, nbytes) / rate
        return self.network.rtt(lane.path) + wait + page / rate

    def _guest_during_postcopy(self, t0: float, window: float, nbytes: float,
                               missing: list[float]) -> float:
        """Tally and record the guest's slowdown over the post-copy window; the requests."""
        if window <= 0:
            return 0.0
        stall = self.request_stall(nbytes, window)
        pieces = guest_progress(self.session.regions, missing, window, stall)
        total = float(sum(r.pages * x for r, x in zip(self.session.regions, missing)))
        requests = min(sum(p[3] for p in pieces), total)  # each missing page comes once
        lost = sum((b - a) * (1 - g) for a, b, g, _ in pieces)
        tally, page = self.tally, self.mig.plan.page_wire_bytes
        # one page per request (QEMU: ram_save_queue_pages of the faulting host page); the
        # stream continuing from the requested address is what keeps requests few
        tally.demand_requests += requests
        tally.demand_pages += requests
        tally.demand_bytes += requests * page
        tally.fault_wait_s += lost
        tally.stall_s += lost
        tally.postcopy_stall_s += lost
        for a, b, g, _ in pieces:
            if g < 1 - 1e-9:
                self.recorder.guest.append(
                    GuestRecord(self.mig.id, Stage.POSTCOPY.value, t0 + a, t0 + b, g))
        return requests

    def hold_guest(self, start: float, seconds: float) -> None:
        """A sync (or the setup's first one) holds the guest for ``seconds`` from ``start``."""
        if seconds > 0 and self.policy.sync_holds_guest:
            self.tally.stall_s += seconds
            self.recorder.guest.append(
                GuestRecord(self.mig.id, Stage.PRECOPY.value, start, start + seconds, 0.0))

    # -- helpers ---------------------------------------------------------------------------
    def advance(self, nbytes: float, since: float, *, wrap: bool,
                stage: Stage = Stage.PRECOPY) -> float:
        """The page state after ``nbytes`` more were delivered during [since, now]."""
        if nbytes <= 0:
            return 0.0
        before = list(self.fluid.sent)
        used = self.fluid.send(nbytes, since, self.env.now, wrap=wrap)
        for r, a, b in zip(self.session.regions, before, self.fluid.sent):
            if r.normal:
                self.tally.normal_pages += b - a
            else:
                self.tally.zero_pages += b - a
        self.tally.bytes[stage] += used
        return used

    def crossing(self, target: float, rate: float, leg: float) -> float:
        """The first instant at which at most ``target`` pages are stale, if the current
        ``rate`` holds while the ``leg`` bytes still to send in this pass go (inf if none)."""
        if rate <= 0 or leg <= 0:
            return math.inf
        now, span = self.env.now, leg / rate

        def stale_after(s: float) -> float:
            probe = self.fluid.clone()
            probe.send(rate * s, now, now + s, wrap=False)
            return probe.stale(now + s)

        if stale_after(span) > target:
            return math.inf
        lo, hi = 0.0, span
        for _ in range(60):
            mid = (lo + hi) / 2
            if stale_after(mid) <= target:
                hi = mid
            else:
                lo = mid
            if hi - lo <= 1e-12 * max(1.0, now):
                break
        return now + hi

    def _missing_by_region(self) -> list[float]:
        """The share of each region's pages still on the source."""
        fluid, regions = self.fluid, self.session.regions
        out = [0.0] * len(regions)
        for p in fluid.pieces:
            for k, d in enumerate(p.dirty):
                out[k] += d * fluid._pages(k, p.lo, p.hi)
        return [m / r.pages if r.pages else 0.0 for m, r in zip(out, regions)]

    def _normal_sent(self) -> float:
        return sum(s for r, s in zip(self.session.regions, self.fluid.sent) if r.normal)

    def _begin_pass(self) -> None:
        self._pass = (self.env.now, self.fluid.sent_bytes, self._normal_sent(),
                      sum(self.fluid.sent) - self._normal_sent())
        self._open = True

    def _record_pass(self, no: int, stage: Stage, demanded: float = 0.0) -> None:
        start, b0, p0, z0 = self._pass
        fluid = self.fluid
        extra = self.tally.state_bytes if stage is Stage.SUSPENDED else 0.0
        normal = self._normal_sent()
        self.recorder.passes.append(PassRecord(
            self.mig.id, no, stage.value, start, self.env.now, normal - p0,
            fluid.sent_bytes - b0 + extra, fluid.stale(self.env.now), demanded,
            sum(fluid.sent) - normal - z0))
        self._open = False

    def close(self, now: float) -> None:
        """The run ends (the horizon) while this mover is still busy: account a held steady
        state and record the pass in progress, so every byte sent is in a pass."""
        from lpmsim.actors.qemu import close_steady
        close_steady(self, now)
        if self._open and self.fluid.sent_bytes > self._pass[1]:
            done = self.mig.precopy_done
            stage = Stage.SUSPENDED if done is not None and done.triggered else Stage.PRECOPY
            self._record_pass(self.tally.passes, stage)

    def check(self) -> None:
        """Audit at COMPLETED: nothing stale is left, bytes add up by stage, and every touched
        page went at least once."""
        fluid = self.fluid
        left = fluid.pending() + fluid.logged(self.env.now)
        if left > 1e-6 * max(1.0, self.session.touched_pages):
            raise AssertionError(f"{self.mig.id}: {left:g} pages stale at COMPLETED")
        ram = sum(self.tally.bytes.values()) - self.tally.state_bytes
        if not math.isclose(ram, fluid.sent_bytes, rel_tol=1e-9, abs_tol=1e-3):
            raise AssertionError(f"{self.mig.id}: stage bytes {ram} != sent {fluid.sent_bytes}")
        for r, sent in zip(self.session.regions, fluid.sent):
            if sent < r.pages * (1 - 1e-9):
                raise AssertionError(f"{self.mig.id}: region {r.name} sent {sent} < {r.pages}")


def touch_model(regions, missing: list[float], window: float):
    """``rate(t, done)``: touches per second, at the nominal pace, of pages still missing at
    time ``t`` of a post-copy window of ``window`` seconds, for a guest that has done ``done``
    seconds of nominal work by then; None when nothing missing is touched. Plain floats: the
    integrator calls it thousands of times, and numpy's per-call cost on four regions would
    dominate.

    With shares ``missing[r]`` of region r still on the source, touches at theta_r per page per
    nominal second fetch missing pages (so they fall as e^(-theta_r done)); the scan has a(t)
    of the address space ahead, and since every page goes once the remaining bytes fall
    linearly in time: a(t) x sum_r n_r c_r m_r e^(-theta_r done) = X0 (1 - t/T)."""
    n = [float(r.pages) for r in regions]
    theta = [r.touch / r.pages if r.pages else 0.0 for r in regions]
    ncm = [a * float(r.cost) * float(m) for a, r, m in zip(n, regions, missing)]
    tnm = [th * a * float(m) for th, a, m in zip(theta, n, missing)]
    x0 = sum(ncm)
    if window <= 0 or x0 <= 0 or not any(tnm):
        return None
    # the ratio below is unchanged by a common factor e^(shift done); shifting by the smallest
    # touch rate among the regions still to send keeps a hot region (theta done >> 700) from
    # underflowing every term to 0/0. A free region (cost 0) touched more slowly than that is
    # held at e^0: its faults are bounded by its missing pages anyway (callers clip).
    shift = min(th for th, w in zip(theta, ncm) if w > 0)
    rel = [th - shift for th in theta]

    def rate(t: float, done: float) -> float:
        decay = [math.exp(min(-done * r, 0.0)) for r in rel]
        below = sum(d * w for d, w in zip(decay, ncm))
        ahead = x0 * min(1.0, max(0.0, 1 - t / window)) / below if below > 0 else 0.0
        return sum(d * w for d, w in zip(decay, tnm)) * ahead

    return rate


def fault_rate(regions, missing: list[float], window: float, t, done=None) -> np.ndarray:
    """:func:`touch_model` at times ``t`` (``done`` defaults to ``t``: a guest never slowed)."""
    t = np.atleast_1d(np.asarray(t, dtype=float))
    done = t if done is None else np.broadcast_to(np.asarray(done, dtype=float), t.shape)
    rate = touch_model(regions, missing, window)
    if rate is None:
        return np.zeros_like(t)
    return np.array([rate(a, b) for a, b in zip(t, done)])


def demand_faults(regions, missing: list[float], window: float) -> float:
    """Pages the resumed partition would fault in at its nominal pace while ``window`` seconds
    of background stream drain the rest (Gauss-Legendre quadrature of :func:`fault_rate`)."""
    if window <= 0:
        return 0.0
    t = (_NODES + 1) * window / 2
    total = float(sum(r.pages * x for r, x in zip(regions, missing)))
    return min(float((fault_rate(regions, missing, window, t) * _WEIGHTS).sum() * window / 2), total)


#: Intervals of the guest-progress series over a post-copy window (reporting only).
PROGRESS_INTERVALS = 16


#: Dormand-Prince 5(4) tableau (Dormand & Prince 1980; the method of scipy's RK45).
_DP_C = (0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0)
_DP_A = ((), (1 / 5,), (3 / 40, 9 / 40), (44 / 45, -56 / 15, 32 / 9),
         (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729),
         (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656))
_DP_B = (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84)
_DP_E = (71 / 57600, 0.0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40)


def integrate(rhs, y0: list[float], at: np.ndarray, rtol: float = 1e-8) -> tuple[np.ndarray, ...]:
    """y(t) of dy/dt = rhs(t, y) at the times ``at`` (increasing, from at[0]), by an adaptive
    Dormand-Prince 5(4) step to a relative error ``rtol`` per step (no fixed step: the result
    does not depend on how ``at`` is spaced). Pure Python: the post-copy guest has two
    unknowns, and importing scipy.integrate would cost more than solving it."""
    y = [float(v) for v in y0]
    dim = range(len(y))
    out = [list(y)]
    t, h = float(at[0]), max(float(at[-1] - at[0]), 1e-12) / 64
    f = rhs(t, y)
    for target in at[1:]:
        target = float(target)
        while t < target - 1e-15 * max(1.0, abs(target)):
            h = min(h, target - t)
            k = [f]
            for c, a in zip(_DP_C[1:], _DP_A[1:]):
                k.append(rhs(t + c * h, [y[i] + h * sum(ai * ki[i] for ai, ki in zip(a, k))
                                         for i in dim]))
            new = [y[i] + h * sum(b * ki[i] for b, ki in zip(_DP_B, k)) for i in dim]
            f_new = rhs(t + h, new)
            ks = [*k, f_new]
            ratio = max(abs(h * sum(e * ki[i] for e, ki in zip(_DP_E, ks)))
                        / (rtol * max(abs(y[i]), abs(new[i])) + 1e-12) for i in dim)
            if ratio <= 1.0:
                t, y, f = t + h, new, f_new
            h *= min(5.0, max(0.2, 0.9 * (ratio or 1e-10) ** -0.2))
        out.append(list(y))
    return tuple(np.array(out).T)


def guest_progress(regions, missing: list[float], window: float,
                   stall: float) -> list[tuple[float, float, float, float]]:
    """The guest's pace while pages are missing: each touch of a missing page stops the thread
    that made it for ``stall`` seconds (the request's round trip and the page's wait behind the
    stream), so over a nominal second with F such touches it needs 1 + F x stall seconds: it
    runs at g = 1 / (1 + F stall) of its nominal rate and makes g F requests per second (one
    thread; a renewal argument in the fluid limit). A slowed guest also touches (and so
    fetches) pages more slowly, so F depends on the work done, w(t) = integral of g:
    dw/dt = 1 / (1 + stall F(t, w)), solved by an adaptive integrator to a relative 1e-8, so
    the figures do not depend on any step size (the intervals only report). Returns per
    interval of the window: (start, end, mean g, requests)."""
    edges = np.linspace(0.0, window, PROGRESS_INTERVALS + 1)
    rate = touch_model(regions, missing, window)
    if rate is None:  # nothing missing is touched
        return [(float(a), float(b), 1.0, 0.0) for a, b in zip(edges, edges[1:])]

    def rhs(t, y):
        f = rate(t, y[0])
        g = 1.0 / (1.0 + stall * f)
        return [g, g * f]

    work, asked = integrate(rhs, [0.0, 0.0], edges)
    out = []
    for i, (a, b) in enumerate(zip(edges, edges[1:])):
        span = b - a
        pace = float((work[i + 1] - work[i]) / span) if span else 1.0
        out.append((float(a), float(b), min(1.0, max(0.0, pace)), float(asked[i + 1] - asked[i])))
    return out


__all__ = ["Mover", "MoverFailed", "demand_faults", "fault_rate", "guest_progress", "touch_model"]
