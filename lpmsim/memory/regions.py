"""Regions: the groups of a partition's pages that behave alike, and how fast they get dirty.

Picture the partition's memory sorted into a few bins: the hot set and the rest of the working
set (written at their own rates), the static pages (touched once, never written again while it
migrates) and the zero pages (never touched; QEMU still scans and sends them as 9-byte headers,
PowerVM does not send them). Within a bin every page is alike, so the engine needs no page
numbers: only how many pages of each bin are still to be sent, and the share written since some
instant, which for a bin has a closed form:

- random writes (``uniform``, ``hotcold``), with replacement, at R page writes/s over P pages: a
  page escapes n writes with probability (1 - 1/P)^n ~ exp(-R t / P), so the share written in t
  seconds is ``1 - exp(-R t / P)`` (the dirtier's own formula, ``shared/validation/qemu-dev``);
- a sequential sweep at R pages/s over P pages: ``min(1, R t / P)``.

Pages of a bin are spread evenly over its span of the address space: all of it by default (a
guest's kernel, page cache and heap are scattered through RAM), so a scan by address meets them
in proportion; ``top_touched`` memory fills the top of the address space (Linux's struct page
array, allocated top-down at boot), which the scan meets last.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lpmsim.inventory import Partition


@dataclass(frozen=True)
class Region:
    """``pages`` alike pages; each costs ``cost`` bytes on the wire when sent. ``rate`` page writes
    per second fall on the region while the partition runs on the source, ``touch`` page touches
    (reads and writes) per second after it resumes on the destination. ``normal`` is False for
    zero pages (QEMU's "duplicate" pages)."""

    name: str
    pages: int
    cost: float
    rate: float = 0.0
    touch: float = 0.0
    sequential: bool = False
    normal: bool = True
    #: the address range [lo, hi) (shares of the address space) the region's pages fill,
    #: evenly; (0, 1) = interleaved over all memory
    span: tuple[float, float] = (0.0, 1.0)

    def logged(self, tau: float) -> float:
        """The share of the region's pages written at least once in ``tau`` seconds."""
        if tau <= 0 or self.rate <= 0 or self.pages <= 0:
            return 0.0
        x = self.rate * tau / self.pages
        return min(1.0, x) if self.sequential else -math.expm1(-x)

    def logged_mean(self, now: float, a: float, b: float) -> float:
        """The mean of ``logged(now - s)`` over instants s spread evenly over [a, b] (b <= now):
        the share written since the scan passed them, for pages the scan passed during [a, b]."""
        if b - a <= 1e-12 * max(1.0, abs(now)):
            return self.logged(now - b)
        if self.rate <= 0 or self.pages <= 0:
            return 0.0
        lam = self.rate / self.pages
        lo, hi = max(0.0, now - b), max(0.0, now - a)
        if hi <= lo or lam * (hi - lo) < 1e-12:  # no spread worth the name: the midpoint
            return self.logged((lo + hi) / 2)
        if self.sequential:
            knee = 1.0 / lam

            def area(s: float) -> float:  # integral of min(1, lam s) from 0 to s
                return lam * s * s / 2 if s <= knee else knee / 2 + (s - knee)
            return (area(hi) - area(lo)) / (hi - lo)
        width = lam * (hi - lo)
        escaped = math.exp(-lam * lo) * (-math.expm1(-width)) / width
        return 1.0 - escaped


def regions_of(partition: Partition, *, page_wire: float, zero_cost: float) -> list[Region]:
    """The regions of ``partition``: its working set (hot and cold parts for ``hotcold``), its
    static touched pages and, when ``zero_cost`` > 0 (QEMU scans all RAM), its zero pages (never
    touched or marked unused). Regions with no pages are left out."""
    wl = partition.workload
    size = partition.page_size
    sent, ws = partition.sent_pages, partition.working_set_pages
    write = wl.rate.pages_per_s(size) if wl.kind != "idle" else 0.0
    if write <= 0:  # nothing is written: the working set is static memory like the rest
        ws = min(ws, sent - partition.top_pages)
    read = wl.read_rate.pages_per_s(size)
    seq = wl.kind == "sequential"
    out: list[Region] = []
    if wl.kind == "hotcold":
        hot = min(ws, wl.hot_set.of(ws * size) // size)
        share = wl.hot_share if hot < ws else 1.0
        out.append(Region("hot", hot, page_wire, write * share, (write + read) * share))
        out.append(Region("cold", ws - hot, page_wire, write * (1 - share),
                          (write + read) * (1 - share)))
    else:
        out.append(Region("working", ws, page_wire, write, write + read, sequential=seq))
    top = partition.top_pages
    low = (0.0, 1.0 - top / partition.pages) if top else (0.0, 1.0)
    out = [Region(r.name, r.pages, r.cost, r.rate, r.touch, r.sequential, r.normal, low)
           for r in out]
    out.append(Region("static", sent - ws - top, page_wire, span=low))
    if top:
        out.append(Region("top", top, page_wire, span=(low[1], 1.0)))
    if zero_cost > 0:
        out.append(Region("zero", partition.pages - sent, zero_cost, normal=False, span=low))
    return [r for r in out if r.pages > 0]


__all__ = ["Region", "regions_of"]
