"""Convergence policies: when pre-copy stops, what is sent while the partition is suspended,
and whether it resumes before every page has arrived (post-copy).

Two families, by how the hypervisor decides:

- **pass policies** (PowerVM, Xen): pass k sends the pages dirty when it began; the rule is
  tested at every pass end, and (PowerVM) continuously against a target of stale pages, whose
  crossing instant the mover computes exactly;
- **window policies** (QEMU): the migration thread sends in rate-limit windows and, at each,
  compares the pending bytes with measured bandwidth x downtime limit; the dirty bitmap is
  synced only when pending falls below that threshold.

A policy never touches SimPy or page state: it answers questions with numbers.
"""

from __future__ import annotations

from typing import Literal, Protocol

from lpmsim.kinds import StopReason


class Policy(Protocol):
    name: str
    #: "pass" (PowerVM, Xen) or "window" (QEMU): see the module docstring.
    scan: Literal["pass", "window"]
    #: "state": resume once the partition state has arrived (pages follow: post-copy);
    #: "all": the partition stays suspended until every dirty page has been sent.
    suspended_send: Literal["state", "all"]
    page_header: int
    zero_page_bytes: int          # cost of a never-touched page when scanned (0 = not sent)
    #: True when the OS suspends itself at its next VASI poll (PowerVM); False when the
    #: hypervisor stops the vCPUs (QEMU vm_stop_force_state, Xen).
    os_cooperates: bool

    #: seconds of device state saved while suspended, beyond the partition state (QEMU's
    #: device sections; 0 for the pass policies)
    device_state: float
    #: True when a dirty-bitmap sync (and the setup's first one) stops the guest: QEMU under
    #: TCG, whose vCPU thread runs under the big lock the sync holds
    #: (migration_bitmap_sync_precopy, ram.c; tcg-accel-ops.c).
    sync_holds_guest: bool
    #: seconds the sender spends reading one zero page (QEMU's buffer_is_zero; 0 when zero
    #: pages are not sent)
    zero_page_time: float
    #: seconds a demand-paged page waits before the sender serves it, if the policy says (QEMU
    #: with a rate limit: until the next window); None = behind the TCP window of each stream
    def request_wait(self, path_rate: float) -> float | None:
        """Mean seconds a demand request waits to be served, for a path of ``path_rate``."""

    def precopy_cap(self) -> float | None:
        """A rate limit during pre-copy (bytes/s), lifted at switchover; None = none."""

    def postcopy_cap(self) -> float | None:
        """A rate limit on the post-copy background stream (bytes/s); None = none."""

    def sync_time(self, logged_pages: float) -> float:
        """Seconds one bitmap sync holds the guest, reading ``logged_pages`` pages from the
        dirty log (written since the last sync, marked in the bitmap already or not)."""


class PassPolicy(Policy, Protocol):
    #: seconds of pre-copy after which it stops (inf = never)
    timeout: float

    def stop_target(self, passes: int, touched: float) -> float | None:
        """Stop as soon as at most this many pages are stale (None: only at pass ends)."""

    def at_pass_end(self, passes: int, stale: float, touched: float) -> StopReason | None:
        """Why pre-copy should stop now that pass ``passes`` ended, or None to go on."""


class WindowPolicy(Policy, Protocol):
    window: float

    def threshold(self, bandwidth: float) -> float:
        """Pending bytes below which the bitmap is synced and the switchover tested."""

    def setup_time(self, ram_pages: float) -> float:
        """Seconds of setup (the first bitmap sync) for a guest of ``ram_pages`` pages."""



__all__ = ["PassPolicy", "Policy", "StopReason", "WindowPolicy"]
