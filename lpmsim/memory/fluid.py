"""A partition's page state during a migration, as a fluid over its address space.

Picture the hypervisor's dirty bitmap laid out along the partition's addresses, 0 to 1, with a
scan cursor moving along it and sending every dirty page it meets. The bitmap is kept as a few
*pieces* (address ranges); in each piece, for each :class:`~lpmsim.memory.regions.Region`, the
share of that region's pages that are dirty. Beside the bitmap is the dirty *log*: the pages
written since the last sync, whose share has a closed form per region (``Region.logged``).

- ``sync`` (QEMU's migration_bitmap_sync, a pass start for PowerVM and Xen) folds the log into
  the bitmap: a share ``d`` dirty and ``l`` logged become ``1 - (1-d)(1-l)`` (writes are
  independent of the bitmap, so the union has this expectation), and the log restarts.
- ``send`` moves the cursor over exactly the pages a number of bytes pays for, clearing them.
  Over clean pieces it moves for free. A scan that wraps (QEMU's find_dirty_block goes round
  RAM, ram.c) continues at address 0; a pass-based scan stops at the end.
- With ``clear_on_send`` (KVM_CLEAR_DIRTY_LOG) the log of a piece restarts when the cursor sends
  it, so a page written before the scan reached it costs nothing extra; each piece remembers
  when it was passed (the log of a piece passed during [a, b] is ``Region.logged_mean``).

Everything is an expectation, updated in bulk between two events of the simulation: the state
after sending b1 then b2 bytes is the state after sending b1 + b2 (for sync semantics exactly;
for clear-on-send to within the spread of the pass instants, which is carried as an interval).
No page numbers, no random numbers: memory does not grow with the partition, and results do not
move with any resolution setting.
"""

from __future__ import annotations

import bisect
import copy
import math
from dataclasses import dataclass

from lpmsim.memory.regions import Region

#: Pieces whose shares differ by less than this (relative) are merged (clear-on-send only; with
#: sync semantics pieces merge only when their shares are equal).
MERGE_TOLERANCE = 1e-3


@dataclass
class Piece:
    lo: float
    hi: float
    dirty: list[float]  # per region: share of its pages in [lo, hi) still to send
    since: tuple[float, float]  # the log of this piece counts from instants spread over this
    #: marked since the fill (setup) and not yet reached by the scan: its marks come from the
    #: fill, not from the writes
    fresh: bool = False


def _union(r: Region, d: float, log: float) -> float:
    """The share marked after a sync folds a log share ``log`` into a bitmap share ``d``.
    Random writes fall independently of the bitmap: 1 - (1-d)(1-log). A sweep writes the pages
    after the ones it wrote before the last sync, which are the ones the bitmap may still mark,
    so until it laps the working set the two are disjoint: min(1, d + log) (here, where the log
    of each piece is its own: clear-on-send; with sync semantics see PageFluid._sweeps)."""
    return min(1.0, d + log) if r.sequential else 1.0 - (1.0 - d) * (1.0 - log)


class PageFluid:
    """The page state of one partition (regions ``regions``) from time ``now``: nothing dirty
    until :meth:`fill` or :meth:`sync`."""

    def __init__(self, regions: list[Region], now: float, *, clear_on_send: bool = False):
        self.regions = regions
        self.clear_on_send = clear_on_send
        self.t_sync = now
        self.cursor = 0.0
        #: pages per unit of address of each region within its span
        self._rho = [r.pages / (r.span[1] - r.span[0]) for r in regions]
        #: region span edges: pieces never straddle one
        self.edges = sorted({e for r in regions for e in r.span} | {0.0, 1.0})
        self.pieces = self._blank([0.0] * len(regions), now)
        #: pages sent per region, and wire bytes, since the start
        self.sent = [0.0] * len(regions)
        self.sent_bytes = 0.0
        #: after this instant the partition no longer writes here (suspended, then resumed on
        #: the destination)
        self.frozen = float("inf")

    def _blank(self, dirty: list[float], now: float, fresh: bool = False) -> list[Piece]:
        return [Piece(a, b, list(dirty), (now, now), fresh)
                for a, b in zip(self.edges, self.edges[1:])]

    # -- reading ---------------------------------------------------------------------------
    def _pages(self, k: int, lo: float, hi: float) -> float:
        """Pages of region ``k`` with addresses in [lo, hi)."""
        a, b = self.regions[k].span
        return self._rho[k] * max(0.0, min(hi, b) - max(lo, a))

    def _weights(self, p: Piece) -> tuple[float, float]:
        """(pages, bytes) per unit of address in piece ``p``."""
        pages = bytes_ = 0.0
        width = p.hi - p.lo
        for k, (r, d) in enumerate(zip(self.regions, p.dirty)):
            if d and width > 0:
                n = self._pages(k, p.lo, p.hi) / width
                pages += n * d
                bytes_ += n * d * r.cost
        return pages, bytes_

    def pending(self, normal_only: bool = False) -> float:
        """Pages still marked dirty in the bitmap (QEMU's migration_dirty_pages)."""
        total = 0.0
        for p in self.pieces:
            for k, (r, d) in enumerate(zip(self.regions, p.dirty)):
                if d and (r.normal or not normal_only):
                    total += self._pages(k, p.lo, p.hi) * d
        return total

    def pending_bytes(self) -> float:
        """Wire bytes to send every page still marked dirty."""
        return sum(self._weights(p)[1] * (p.hi - p.lo) for p in self.pieces)

    def ahead_bytes(self) -> float:
        """Wire bytes from the cursor to the end of the address space (a pass's remainder)."""
        total = 0.0
        for p in self.pieces[self._index(self.cursor):]:
            lo = max(p.lo, self.cursor)
            total += self._weights(p)[1] * (p.hi - lo)
        return total

    def bytes_until(self, pages: float) -> float:
        """Wire bytes the scan must send, going round from the cursor, until at most ``pages``
        pages stay marked dirty (0 if already so; inf if it never gets there)."""
        need = self.pending() - pages
        if need <= 0:
            return 0.0
        total = 0.0
        for p, lo, hi in self._round():
            if hi <= lo:
                continue
            pg, by = self._weights(p)
            if pg * (hi - lo) >= need:
                return total + by * need / pg
            need -= pg * (hi - lo)
            total += by * (hi - lo)
        return math.inf

    def zero_share(self, nbytes: float) -> float:
        """The most zero pages per wire byte in any piece the scan crosses while it sends the
        next ``nbytes`` bytes, going round from the cursor (0 when none)."""
        most, left = 0.0, nbytes
        for p, lo, hi in self._round():
            if hi <= lo or left <= 0:
                continue
            _, by = self._weights(p)
            if by <= 0:
                continue
            width = p.hi - p.lo
            zeros = sum(self._pages(k, p.lo, p.hi) / width * d for k, (r, d) in
                        enumerate(zip(self.regions, p.dirty)) if d and not r.normal)
            most = max(most, zeros / by)
            left -= by * (hi - lo)
        return most

    def _log(self, r: Region, p: Piece, now: float) -> float:
        now = min(now, self.frozen)
        if self.clear_on_send:
            return r.logged_mean(now, max(p.since[0], self.t_sync), max(p.since[1], self.t_sync))
        return r.logged(max(0.0, now - self.t_sync))

    def _sweeps(self, now: float) -> dict[int, float]:
        """With sync semantics, for each sequential region: the share of the unmarked pages of
        the pieces the scan has reached that the next sync adds. A sweep's pages since the last
        sync are the ones after those it wrote before, so (until it laps the working set) they
        miss every page the bitmap marks because the sweep wrote it: where the scan has been,
        the log falls on unmarked pages only. The part of the first pass the scan has not
        reached yet (fresh pieces: marked by the setup, not by the sweep) takes its share of the
        log, which adds nothing there. So the sync adds min(unmarked, written x reached / all)
        pages, spread over the unmarked ones. (A log share per piece would also spend the sweep
        on pages it had marked itself: the qemu-dev sequential run 113 sends 6.5 % more than
        that.)"""
        if self.clear_on_send:
            return {}
        out = {}
        for k, r in enumerate(self.regions):
            if r.sequential and r.rate and r.pages:
                fresh = unmarked = 0.0
                for p in self.pieces:
                    n = self._pages(k, p.lo, p.hi)
                    if p.fresh:
                        fresh += n
                    else:
                        unmarked += n * (1.0 - p.dirty[k])
                share = r.logged(max(0.0, min(now, self.frozen) - self.t_sync))
                written = share * max(0.0, r.pages - fresh)
                out[k] = min(1.0, written / unmarked) if unmarked > 0 else 0.0
        return out

    def logged(self, now: float) -> float:
        """Pages written since the last sync (or since the scan cleared them) and not yet in the
        bitmap: what the next sync will add."""
        total = 0.0
        sweeps = self._sweeps(now)
        for p in self.pieces:
            for k, (r, d) in enumerate(zip(self.regions, p.dirty)):
                if k in sweeps:
                    total += self._pages(k, p.lo, p.hi) * (1 - d) * sweeps[k]
                elif r.rate:
                    log = self._log(r, p, now)
                    added = min(1.0 - d, log) if r.sequential else (1 - d) * log  # _union - d
                    total += self._pages(k, p.lo, p.hi) * added
        return total

    def written(self, now: float) -> float:
        """Pages in the dirty log: written since the last sync (or since the scan cleared
        them), whether or not the bitmap already marks them. What a sync reads, and so what
        it costs where the cost is per logged page (QEMU's TCG slow path tests and clears each
        page, resetting the TLB for each dirty one: cpu_physical_memory_sync_dirty_bitmap,
        include/exec/ram_addr.h, and cpu_physical_memory_test_and_clear_dirty, softmmu/physmem.c)."""
        total = 0.0
        for p in self.pieces:
            for k, r in enumerate(self.regions):
                if r.rate:
                    total += self._pages(k, p.lo, p.hi) * self._log(r, p, now)
        return total

    def stale(self, now: float, normal_only: bool = True) -> float:
        """Pages whose newest content is not on the destination: the bitmap and the log."""
        return self.pending(normal_only) + self.logged(now)

    # -- changing --------------------------------------------------------------------------
    def fill(self, now: float) -> None:
        """Every page of every region is to be sent (pass 1, QEMU's setup bitmap); the log
        starts now."""
        self.pieces = self._blank([1.0] * len(self.regions), now, fresh=True)
        self.cursor = 0.0
        self.t_sync = now

    def sync(self, now: float, rewind: bool = False) -> float:
        """Fold the log into the bitmap; return the pages it added. ``rewind`` puts the cursor
        back to address 0 (a new pass)."""
        added = 0.0
        sweeps = self._sweeps(now)
        for p in self.pieces:
            new = []
            for k, (r, d) in enumerate(zip(self.regions, p.dirty)):
                if k in sweeps:
                    nd = d + (1 - d) * sweeps[k]
                else:
                    nd = _union(r, d, self._log(r, p, now) if r.rate else 0.0)
                added += self._pages(k, p.lo, p.hi) * (nd - d)
                new.append(nd)
            p.dirty = new
            p.since = (now, now)
        self.t_sync = now
        if rewind:
            self.cursor = 0.0
        self._merge()
        return added

    def freeze(self, now: float) -> None:
        """The partition stops writing on the source (it is suspended)."""
        self.frozen = min(self.frozen, now)

    def restart_clock(self, now: float) -> None:
        """Right after a sync only: let the log start at ``now`` instead (the same state, later:
        how a steady cycle is skipped)."""
        self.t_sync = now
        for p in self.pieces:
            p.since = (now, now)

    def send(self, nbytes: float, t0: float, t1: float, *, wrap: bool) -> float:
        """Send ``nbytes`` wire bytes from the cursor on, spread evenly over [t0, t1]; return
        the bytes used (less when the pass ends, or, with ``wrap``, nothing is dirty)."""
        used = 0.0
        if nbytes <= 0:
            return 0.0
        laps = 0
        while nbytes - used > 1e-9 * max(1.0, nbytes):
            if self.cursor >= 1.0:
                if not wrap or laps or self.pending_bytes() <= 0:
                    break
                self.cursor, laps = 0.0, 1
            i = self._index(self.cursor)
            p = self.pieces[i]
            _, beta = self._weights(p)
            span = p.hi - self.cursor
            if beta <= 0:
                self.cursor = p.hi
                continue
            laps = 0
            du = min(span, (nbytes - used) / beta)
            ta = t0 + (t1 - t0) * used / nbytes
            used += du * beta
            tb = t0 + (t1 - t0) * min(1.0, used / nbytes)
            self._clear(i, self.cursor, self.cursor + du, (ta, tb))
            self.cursor = min(1.0, self.cursor + du) if du < span else p.hi
        self.sent_bytes += used
        return used

    def take(self, pages: float) -> float:
        """Demand paging: ``pages`` of the bitmap's pages leave it (spread over all of it in
        proportion, as the touches that fault them are); return the wire bytes they cost."""
        total = self.pending()
        if total <= 0 or pages <= 0:
            return 0.0
        keep = max(0.0, 1.0 - pages / total)
        cost = 0.0
        for p in self.pieces:
            for k, (r, d) in enumerate(zip(self.regions, p.dirty)):
                gone = self._pages(k, p.lo, p.hi) * d * (1 - keep)
                self.sent[k] += gone
                cost += gone * r.cost
            p.dirty = [d * keep for d in p.dirty]
        self.sent_bytes += cost
        return cost

    def clone(self) -> PageFluid:
        """An independent copy of the page state (regions, densities and edges are never
        changed after construction, so they are shared; pieces and tallies are copied)."""
        out = copy.copy(self)
        out.pieces = [Piece(p.lo, p.hi, list(p.dirty), p.since, p.fresh) for p in self.pieces]
        out.sent = list(self.sent)
        return out

    # -- internals -------------------------------------------------------------------------
    def _round(self) -> list[tuple[Piece, float, float]]:
        """(piece, lo, hi) in scan order, going round from the cursor back to it."""
        i = self._index(self.cursor)
        order = [(p, max(p.lo, self.cursor), p.hi) for p in self.pieces[i:]]
        return order + [(p, p.lo, min(p.hi, self.cursor)) for p in self.pieces[:i + 1]]

    def _index(self, u: float) -> int:
        """The piece holding address ``u`` (the last one for u >= 1)."""
        i = bisect.bisect_right([p.lo for p in self.pieces], u) - 1
        return min(max(i, 0), len(self.pieces) - 1)

    def _clear(self, i: int, lo: float, hi: float, when: tuple[float, float]) -> None:
        """Send every dirty page of piece ``i`` in [lo, hi)."""
        p = self.pieces[i]
        hi = min(hi, p.hi)
        for k, d in enumerate(p.dirty):
            self.sent[k] += self._pages(k, lo, hi) * d
        parts = []
        if lo > p.lo:
            parts.append(Piece(p.lo, lo, p.dirty, p.since, p.fresh))
        parts.append(Piece(lo, hi, [0.0] * len(self.regions), when))
        if hi < p.hi:
            parts.append(Piece(hi, p.hi, p.dirty, p.since, p.fresh))
        self.pieces[i:i + 1] = parts
        j = i + (1 if lo > p.lo else 0)
        if j > 0 and lo not in self.edges:  # join the cleared range with one just before it
            prev = self.pieces[j - 1]
            if not any(prev.dirty):
                prev.hi = self.pieces[j].hi
                prev.since = (min(prev.since[0], when[0]), max(prev.since[1], when[1]))
                del self.pieces[j]

    def _merge(self) -> None:
        out = [self.pieces[0]]
        for p in self.pieces[1:]:
            q = out[-1]
            if p.lo not in self.edges and p.fresh == q.fresh and self._alike(q.dirty, p.dirty):
                wq, wp = q.hi - q.lo, p.hi - p.lo
                q.dirty = [(a * wq + b * wp) / (wq + wp) for a, b in zip(q.dirty, p.dirty)]
                q.hi = p.hi
                q.since = (min(q.since[0], p.since[0]), max(q.since[1], p.since[1]))
            else:
                out.append(p)
        self.pieces = out

    def _alike(self, a: list[float], b: list[float]) -> bool:
        tol = MERGE_TOLERANCE if self.clear_on_send else 1e-12
        return all(abs(x - y) <= tol * max(x, y, 1e-300) for x, y in zip(a, b))


__all__ = ["PageFluid", "Piece"]
