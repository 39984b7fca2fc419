"""The three policy presets, each built from a published rule (sources in
:mod:`lpmsim.scenario.policies`, where their options and defaults are defined)."""

from __future__ import annotations

from lpmsim.policy.base import Progress, StopReason
from lpmsim.scenario.policies import PowerVMOptions, QemuOptions, XenOptions


class PowerVM:
    """Re-send dirty pages until a sufficient share is clean, the pass limit or the timeout
    (SG24-7460 via Veritas SFHA 6.0); resume before the remaining dirty pages arrive."""

    name = "powervm"
    zero_page_bytes = 0
    bandwidth_window = 0.1

    def __init__(self, opts: PowerVMOptions):
        self.opts = opts
        self.suspended_send = opts.suspended_send
        self.page_header = opts.page_header

    def precopy_cap(self) -> float | None:
        return None

    def stop(self, p: Progress) -> StopReason | None:
        if p.dirty_pages <= (1 - self.opts.clean_fraction) * p.sent_pages:
            return "converged"
        if p.elapsed >= self.opts.precopy_timeout:
            return "timeout"
        if p.pass_done and p.passes >= self.opts.max_passes:
            return "pass_limit"
        return None


class Qemu:
    """QEMU migration_iteration_run: switch over when pending < bandwidth x downtime-limit."""

    name = "qemu"
    suspended_send = "all"

    def __init__(self, opts: QemuOptions):
        self.opts = opts
        self.page_header = opts.page_header
        self.zero_page_bytes = opts.zero_page_bytes
        self.bandwidth_window = opts.bandwidth_window

    def precopy_cap(self) -> float | None:
        return self.opts.max_bandwidth or None

    def threshold(self, bandwidth: float) -> float:
        """threshold_size = bandwidth x downtime-limit (bytes)."""
        return bandwidth * self.opts.downtime_limit

    def stop(self, p: Progress) -> StopReason | None:
        if p.bandwidth is not None and p.dirty_pages * p.page_wire_bytes < self.threshold(p.bandwidth):
            return "converged"
        if self.opts.max_passes and p.pass_done and p.passes >= self.opts.max_passes:
            return "pass_limit"
        return None


class Xen:
    """Xen v2 simple_precopy_policy: stop when dirty < 50 pages or after 5 iterations."""

    name = "xen"
    suspended_send = "all"
    zero_page_bytes = 0
    bandwidth_window = 0.1

    def __init__(self, opts: XenOptions):
        self.opts = opts
        self.page_header = opts.page_header

    def precopy_cap(self) -> float | None:
        return None

    def stop(self, p: Progress) -> StopReason | None:
        if not p.pass_done:
            return None
        if p.dirty_pages < self.opts.target_dirty_count:
            return "converged"
        if p.passes >= self.opts.max_iterations:
            return "pass_limit"
        return None


def make_policy(opts: PowerVMOptions | QemuOptions | XenOptions):
    """The policy object for a migration's options."""
    return {"powervm": PowerVM, "qemu": Qemu, "xen": Xen}[opts.preset](opts)
