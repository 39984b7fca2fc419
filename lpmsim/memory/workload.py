"""Workload models: which pages a running partition writes (and reads) in a span of time.

Writes are produced in bulk for the time since the last chunk, never one event per write. The
number of writes in a span is the rate times the span, carried over exactly between spans (no
drift, no noise on the count); their positions are random (uniform, hot/cold) or a sweep
(sequential). Layout inside the partition's sent pages ``[0, S)``: the working set is
``[0, W)``, and for ``hotcold`` its hot set is ``[0, H)``.
"""

from __future__ import annotations

import numpy as np

from lpmsim.inventory import Partition, Workload
from lpmsim.memory.pages import Writes


class Writer:
    """Draws the pages one partition touches; one per partition and purpose (writes, reads)."""

    def __init__(self, spec: Workload, *, working_set: int, page_size: int,
                 rng: np.random.Generator, reads: bool = False):
        rate = spec.read_rate if reads else spec.rate
        self.kind = "idle" if rate.value == 0 else spec.kind
        self.rate = rate.pages_per_s(page_size)  # pages per second
        self.w = working_set
        self.h = min(working_set, spec.hot_set.of(working_set * page_size) // page_size)
        self.hot_share = spec.hot_share
        self.rng = rng
        self._carry = 0.0
        self._pos = 0  # sequential sweep position

    def count(self, dt: float) -> int:
        """How many page writes happen in the next ``dt`` seconds."""
        if self.kind == "idle" or self.w == 0 or dt <= 0:
            return 0
        exact = self.rate * dt + self._carry
        n = int(exact)
        self._carry = exact - n
        return n

    def pages(self, dt: float) -> list[Writes]:
        """The pages touched in the next ``dt`` seconds, as index arrays and slices."""
        n = self.count(dt)
        if n == 0:
            return []
        if self.kind == "uniform":
            return [self._uniform(0, self.w, n)]
        if self.kind == "hotcold":
            return self._hotcold(n)
        return self._sweep(n)

    def _uniform(self, lo: int, hi: int, n: int) -> np.ndarray:
        size = hi - lo
        if size <= 0 or n <= 0:
            return np.empty(0, dtype=np.int64)
        if n > 4 * size:  # saturating: each page is hit with probability 1 - exp(-n/size)
            hit = self.rng.random(size) < -np.expm1(-n / size)
            return np.flatnonzero(hit) + lo
        return self.rng.integers(lo, hi, size=n)

    def _hotcold(self, n: int) -> list[Writes]:
        if self.h >= self.w:
            return [self._uniform(0, self.w, n)]
        n_hot = int(self.rng.binomial(n, self.hot_share))
        return [self._uniform(0, self.h, n_hot), self._uniform(self.h, self.w, n - n_hot)]

    def _sweep(self, n: int) -> list[Writes]:
        if n >= self.w:
            self._pos = (self._pos + n) % self.w
            return [slice(0, self.w)]
        start, end = self._pos, self._pos + n
        self._pos = end % self.w
        if end <= self.w:
            return [slice(start, end)]
        return [slice(start, self.w), slice(0, end - self.w)]


def writers_for(partition: Partition, rng_writes, rng_reads) -> tuple[Writer, Writer]:
    """The write and read streams of a partition's workload."""
    common = dict(working_set=partition.working_set_pages, page_size=partition.page_size)
    return (Writer(partition.workload, rng=rng_writes, **common),
            Writer(partition.workload, rng=rng_reads, reads=True, **common))
