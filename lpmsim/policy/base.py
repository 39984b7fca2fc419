"""Convergence policies: when pre-copy stops, what is sent while the partition is suspended,
and whether it resumes before every page has arrived (post-copy).

A policy is a small object the source mover asks after every chunk (``pass_done=False``) and at
the end of every pass (``pass_done=True``). It never touches SimPy or page bitmaps: it reads a
:class:`Progress` snapshot and answers with a stop reason or ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

StopReason = Literal["converged", "pass_limit", "timeout"]


@dataclass(frozen=True)
class Progress:
    elapsed: float          # seconds since pre-copy began
    passes: int             # the current (or just finished) pass, 1-based
    pass_done: bool         # True at the end of a pass
    dirty_pages: int        # pages whose newest content is not on the destination
    sent_pages: int         # pages of pass 1 (touched, not unused)
    page_wire_bytes: int    # bytes one page costs on the wire
    bandwidth: float | None  # measured over windows of at least the policy's window; None yet


class Policy(Protocol):
    name: str
    #: "state": resume once the partition state has arrived (pages follow: post-copy);
    #: "all": the partition stays suspended until every dirty page has been sent.
    suspended_send: Literal["state", "all"]
    page_header: int
    zero_page_bytes: int          # cost of a never-touched page in pass 1 (0 = not sent)
    bandwidth_window: float       # seconds; how the mover measures bandwidth

    def precopy_cap(self) -> float | None:
        """A rate limit during pre-copy (bytes/s), lifted at switchover; None = none."""

    def stop(self, p: Progress) -> StopReason | None:
        """Why pre-copy should stop now, or None to go on."""
