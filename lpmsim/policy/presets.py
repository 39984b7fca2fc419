"""The three policy presets, each built from a published rule (sources in
:mod:`lpmsim.scenario.policies`, where their options and defaults are defined)."""

from __future__ import annotations

import math
from typing import Literal

from lpmsim.kinds import StopReason
from lpmsim.scenario.policies import PowerVMOptions, QemuOptions, XenOptions


class _Pass:
    """What the pass policies share: no rate limit, a bitmap sync that costs no guest time and
    no device state beyond the partition state the hypervisor sends (params.state_bytes)."""

    scan: Literal["pass", "window"] = "pass"
    device_state = 0.0
    sync_holds_guest = False
    zero_page_time = 0.0  # they send no zero pages

    def request_wait(self, path_rate: float) -> float | None:
        return None

    def precopy_cap(self) -> float | None:
        return None

    def postcopy_cap(self) -> float | None:
        return None

    def sync_time(self, logged_pages: float) -> float:
        return 0.0


class PowerVM(_Pass):
    """Re-send dirty pages until a sufficient share is clean, the pass limit or the timeout
    (SG24-7460 via Veritas SFHA 6.0); resume before the remaining dirty pages arrive.

    Pass 1 always completes before any rule applies: IBM's prior-art description of the
    mechanism, IPCOM000226906D (2013; shared/reference/ibm-lpm-facts.md S36): "the first
    transfer copies the entire memory in one pass", then changed pages are sent again."""

    name = "powervm"
    zero_page_bytes = 0
    os_cooperates = True

    def __init__(self, opts: PowerVMOptions):
        self.opts = opts
        self.suspended_send = opts.suspended_send
        self.page_header = opts.page_header
        self.timeout = opts.precopy_timeout

    def stop_target(self, passes: int, touched: float) -> float | None:
        return (1 - self.opts.clean_fraction) * touched if passes > 1 else None

    def at_pass_end(self, passes: int, stale: float, touched: float) -> StopReason | None:
        if stale <= (1 - self.opts.clean_fraction) * touched * (1 + 1e-9):
            return StopReason.CONVERGED
        if passes >= self.opts.max_passes:
            return StopReason.PASS_LIMIT
        return None


class Qemu:
    """QEMU 7.2's pre-copy (see :mod:`lpmsim.actors.qemu` for the loop, rule by rule):

    - ``migration_update_counters`` (migration.c): at the end of each >= 100 ms window,
      bandwidth = bytes sent in it / its length, threshold_size = bandwidth x downtime-limit;
    - ``migration_iteration_run`` + ``ram_save_pending`` (ram.c): if pending (dirty pages x
      4 KiB, zero pages included) < threshold, sync the bitmap and test again; below it still:
      ``migration_completion``, else another ``qemu_savevm_state_iterate``;
    - ``qemu_file_rate_limit``: max-bandwidth / XFER_LIMIT_RATIO (10) bytes per window;
      ``migration_completion`` sets the limit to INT64_MAX for the last copy.

    Later versions: 8.0 splits ``ram_save_pending`` into estimate/exact (same rule); 8.1 moves
    the rate limit into ``migration_rate_limit`` (same quota); 9.0 fixes the TCG dirty-bitmap
    bug the qemu-dev measurements work around (03bfc2188f) and, with multifd, reads zero pages
    in the multifd threads instead of the migration thread (zero-page-detection=multifd,
    70c25c92e6: ``zero_page_time`` then no longer slows the scan)."""

    name = "qemu"
    scan: Literal["pass", "window"] = "window"
    suspended_send: Literal["state", "all"] = "all"
    os_cooperates = False

    def __init__(self, opts: QemuOptions):
        self.opts = opts
        self.page_header = opts.page_header
        self.zero_page_bytes = opts.zero_page_bytes
        self.window = opts.bandwidth_window
        self.timeout = math.inf
        self.device_state = opts.device_state or 0.0  # set from the accel defaults on load
        self.zero_page_time = opts.zero_page_time or 0.0
        self.sync_holds_guest = opts.accel == "tcg"

    def precopy_cap(self) -> float | None:
        return self.opts.max_bandwidth or None

    def threshold(self, bandwidth: float) -> float:
        """threshold_size = bandwidth x downtime-limit (bytes)."""
        return bandwidth * self.opts.downtime_limit

    def setup_time(self, ram_pages: float) -> float:
        assert self.opts.setup_fixed is not None and self.opts.setup_per_page is not None
        return self.opts.setup_fixed + self.opts.setup_per_page * ram_pages

    def sync_time(self, logged_pages: float) -> float:
        assert self.opts.sync_fixed is not None and self.opts.sync_per_page is not None
        return self.opts.sync_fixed + self.opts.sync_per_page * logged_pages

    def postcopy_trigger(self) -> tuple[str, float] | None:
        """("syncs", N) or ("after", seconds since migrate) for migrate-start-postcopy."""
        text = self.opts.postcopy
        if text is None:
            return None
        if text.endswith(("passes", "pass")):
            return "syncs", float(text.split()[0])
        from lpmsim.units import parse_duration
        return "after", parse_duration(text)

    def postcopy_cap(self) -> float | None:
        """max-postcopy-bandwidth, else max-bandwidth (None: unlimited)."""
        return self.opts.max_postcopy_bandwidth or self.opts.max_bandwidth or None

    def request_wait(self, path_rate: float) -> float | None:
        """QEMU 7.2 has one migration connection (postcopy-preempt, a second channel for
        urgent pages, came in 7.1 as an option, off by default and off in qemu-dev), and a page
        the destination requests is served by the migration thread's next ram_save_iterate,
        which takes queued pages first (get_queued_page, ram.c). Under max-postcopy-bandwidth
        the thread spends each window's quota (cap x window) in a burst at the window's start,
        b = quota / path rate long; while it is spent, qemu_savevm_state_iterate (savevm.c)
        returns at once (``if (qemu_file_rate_limit(f)) return 0``), so the urgent wake-up the
        request posts cannot serve it and it waits for the next window. A request arriving at a
        random instant is served in the burst if it comes during one, else at the next window's
        start: a mean wait of (window - b)^2 / (2 window). At 24 MiB/s on the qemu-dev loopback
        that is 46 ms, as measured (46 and 52 ms per request, blocktime / requests); at
        48 MiB/s 42 ms against 25-38 ms; near the path's speed it vanishes. (Sequential
        touches wait less, 6-14 ms measured: the burst after a request carries their next
        pages. Not modelled.)"""
        cap = self.postcopy_cap()
        if not cap:
            return None
        burst = min(self.window, cap * self.window / path_rate) if path_rate > 0 else 0.0
        return (self.window - burst) ** 2 / (2 * self.window)


class Xen(_Pass):
    """Xen v2 simple_precopy_policy: stop when dirty < 50 pages or after 5 iterations."""

    name = "xen"
    suspended_send: Literal["state", "all"] = "all"
    zero_page_bytes = 0
    os_cooperates = False

    def __init__(self, opts: XenOptions):
        self.opts = opts
        self.page_header = opts.page_header
        self.timeout = math.inf

    def stop_target(self, passes: int, touched: float) -> float | None:
        return None

    def at_pass_end(self, passes: int, stale: float, touched: float) -> StopReason | None:
        if stale < self.opts.target_dirty_count:
            return StopReason.CONVERGED
        if passes >= self.opts.max_iterations:
            return StopReason.PASS_LIMIT
        return None


def make_policy(opts: PowerVMOptions | QemuOptions | XenOptions) -> PowerVM | Qemu | Xen:
    """The policy object for a migration's options."""
    if isinstance(opts, QemuOptions):
        return Qemu(opts)
    if isinstance(opts, XenOptions):
        return Xen(opts)
    return PowerVM(opts)
