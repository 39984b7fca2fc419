"""Page state of one partition during a migration, as numpy bitmaps.

Picture the hypervisor's two lists for a partition of N pages:

- ``to_send``: the pages the current pass still has to send (a snapshot of the dirty pages taken
  when the pass began; pass 1 is every touched page that is not marked unused);
- ``log``: pages written since they were last sent and not in ``to_send`` (the dirty-page list
  that the next pass will snapshot).

A chunk sent at time t clears the ``to_send`` bits of its pages at t; a write after t sets the
``log`` bit (DESIGN.md "Model semantics"). What a write *before* t, during the pass, does depends
on how the hypervisor keeps its log:

- ``"sync"`` (the classic model; QEMU's bitmap sync per pass, Xen): every write during pass k
  marks the page for pass k+1, even if pass k sends it later ("a page written again during
  pass k is sent in pass k and again later"). Pass volumes follow V_i = V_0 (D/B)^i.
- ``"clear-on-send"`` (QEMU >= 4.0 with KVM_CLEAR_DIRTY_LOG): the log of a chunk is cleared
  when the chunk is sent, so a write to a page not yet sent in this pass costs nothing extra.

Either way the pages whose newest content is not yet on the destination are ``to_send | log``.

Counts are kept incrementally so the stop rules can read them every chunk for free. Page order
within a pass is by address, scanned in blocks, so memory use stays two bytes per page and the
work per pass is one sweep of the bitmap plus the pages sent.

With ``audit=True`` two stamp arrays record, per page, the last write on the source and the
version that reached the destination; :meth:`verify` then proves that every touched page arrived
after its last write (an oracle independent of the bitmaps, for tests).
"""

from __future__ import annotations

import numpy as np

BLOCK = 1 << 22  # pages scanned per step when looking for the next pending pages

Writes = np.ndarray | slice


class PageState:
    def __init__(self, n_pages: int, first_pass_pages: int, *, audit: bool = False,
                 log_mode: str = "sync"):
        if not 0 <= first_pass_pages <= n_pages:
            raise ValueError('"first_pass_pages" must lie in [0, n_pages]')
        if log_mode not in ("sync", "clear-on-send"):
            raise ValueError('"log_mode" must be "sync" or "clear-on-send"')
        self.sync = log_mode == "sync"
        self.n_both = 0  # pages in to_send and in log (sync mode only)
        self.n_pages = n_pages
        self.first_pass_pages = first_pass_pages
        self.to_send = np.zeros(n_pages, dtype=bool)
        self.log = np.zeros(n_pages, dtype=bool)
        self.n_to_send = 0
        self.n_log = 0
        self.passes = 0
        self._rewind()
        self.audit = audit
        if audit:
            self._stamp = 0
            self.src = np.zeros(n_pages, dtype=np.int64)
            self.dst = np.full(n_pages, -1, dtype=np.int64)
            self.src[first_pass_pages:] = -1  # never written, never sent

    # -- counts ----------------------------------------------------------------------------
    @property
    def dirty(self) -> int:
        """Pages whose newest content is not on the destination."""
        return self.n_to_send + self.n_log - self.n_both

    @property
    def pass_remaining(self) -> int:
        return self.n_to_send

    # -- passes ----------------------------------------------------------------------------
    def start_pass(self) -> int:
        """Snapshot the dirty list as the new pass's pages; return how many it holds."""
        if self.n_to_send:
            raise RuntimeError("start_pass() before the current pass finished")
        if self.passes == 0:
            self.to_send[: self.first_pass_pages] = True
            self.n_to_send = self.first_pass_pages
        else:
            self.to_send, self.log = self.log, self.to_send  # to_send is all False here
            self.n_to_send, self.n_log, self.n_both = self.n_log, 0, 0
        self.passes += 1
        self._rewind()
        return self.n_to_send

    def gather(self) -> int:
        """Fold the dirty list into the current pass (the final copy); return pages pending."""
        if self.n_log:
            self.to_send |= self.log
            self.log[:] = False
            self.n_to_send += self.n_log - self.n_both
            self.n_log = self.n_both = 0
        self._rewind()
        return self.n_to_send

    def _rewind(self) -> None:
        self._cursor = 0
        self._buf = np.empty(0, dtype=np.int64)
        self._pos = self._end = 0
        self._dense = False

    # -- sending ---------------------------------------------------------------------------
    def take(self, max_pages: int) -> int:
        """Send the next pages (by address) of the current pass, at most ``max_pages``; return how
        many were sent. They count as on the destination from now on."""
        sent = 0
        while sent < max_pages:
            if self._pos >= self._end:
                if not self._scan():
                    break
                continue
            want = max_pages - sent
            if self._dense:  # a run of pending pages: no index array needed
                hi = min(self._end, self._pos + want)
                sent += self._clear(slice(self._pos, hi))
                self._pos = hi
            else:
                part = self._buf[self._pos:self._pos + want]
                self._pos += len(part)
                sent += self._clear(part)
        return sent

    def _scan(self) -> bool:
        """Load the next block of the bitmap; False at the end of memory."""
        if self._cursor >= self.n_pages:
            return False
        lo, hi = self._cursor, min(self.n_pages, self._cursor + BLOCK)
        self._cursor = hi
        block = self.to_send[lo:hi]
        count = int(np.count_nonzero(block))
        self._dense = count == hi - lo
        if self._dense:
            self._pos, self._end = lo, hi
        else:
            self._buf = np.flatnonzero(block) + lo
            self._pos, self._end = 0, count
        return True

    def fetch(self, pages: np.ndarray) -> int:
        """Demand paging after resume: of the touched ``pages``, those still pending are sent now.
        Returns how many (the others are already on the destination)."""
        if len(pages) == 0:
            return 0
        missing = np.unique(pages[self.to_send[pages]])
        return self._clear(missing)

    def _clear(self, sel: Writes) -> int:
        """Mark pages of the current pass as sent; return how many of them were pending."""
        if isinstance(sel, np.ndarray):
            if len(sel) == 0:
                return 0
            lo, hi = int(sel[0]), int(sel[-1]) + 1
            if hi - lo == len(sel):
                sel = slice(lo, hi)
        if self.audit:
            pending = self.to_send[sel]
            if isinstance(sel, slice):
                self.dst[sel][pending] = self.src[sel][pending]
            else:
                self.dst[sel[pending]] = self.src[sel[pending]]
        n = int(np.count_nonzero(self.to_send[sel]))
        if self.n_both:
            self.n_both -= int(np.count_nonzero(self.to_send[sel] & self.log[sel]))
        self.to_send[sel] = False
        self.n_to_send -= n
        return n

    # -- writing ---------------------------------------------------------------------------
    def write(self, pages: Writes) -> int:
        """The partition writes ``pages`` (an index array, duplicates allowed, or a slice) on the
        source. Returns how many pages became newly dirty."""
        if self.audit:
            self._stamp += 1
            self.src[pages] = self._stamp
        if isinstance(pages, slice):
            region = self.log[pages]
            fresh = ~region if self.sync else ~self.to_send[pages] & ~region
            n_new = int(np.count_nonzero(fresh))
            if self.sync:
                self.n_both += int(np.count_nonzero(fresh & self.to_send[pages]))
            region |= fresh
            self.n_log += n_new
            return n_new
        if len(pages) == 0:
            return 0
        fresh = ~self.log[pages] if self.sync else ~self.to_send[pages] & ~self.log[pages]
        fresh = np.unique(pages[fresh])
        if len(fresh) == 0:
            return 0
        self.log[fresh] = True
        self.n_log += len(fresh)
        if self.sync:
            self.n_both += int(np.count_nonzero(self.to_send[fresh]))
        return len(fresh)

    # -- checks ----------------------------------------------------------------------------
    def verify(self) -> None:
        """Audit mode: every touched page reached the destination after its last source write."""
        if not self.audit:
            raise RuntimeError("verify() needs PageState(audit=True)")
        bad = np.flatnonzero(self.src[: self.first_pass_pages] != self.dst[: self.first_pass_pages])
        if len(bad):
            raise AssertionError(f"{len(bad)} pages are stale or missing on the destination, "
                                 f"first {bad[:5].tolist()}")
        if self.n_to_send != int(self.to_send.sum()) or self.n_log != int(self.log.sum()):
            raise AssertionError("page counters disagree with the bitmaps")
