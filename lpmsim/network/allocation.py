"""Allocations: the max-min rates of the classes of flows on a network, memoised.

Picture a switch that sees the same few streams again and again: the chunks of one migration
follow the same MSP path with the same cap, one after another. Flows with the same path and cap
(a *class*) always get the same max-min rate, and the rates depend only on which classes are
present, how many flows each holds, and the link capacities. So the network numbers each class
once, solves each configuration of classes once, and looks it up after; a capacity change
forgets the solutions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lpmsim.network.sharing import water_fill

__all__ = ["Allocation", "Allocations"]


class Allocation:
    """The rate of one flow of each class, and (computed when asked) the load on each link."""

    __slots__ = ("rates", "_paths", "_weights", "_scales", "_load")

    def __init__(self, classes: list[int], paths: list[tuple[int, ...]], weights: list[int],
                 rates: list[float], scales: list[tuple[float, ...] | None] | None = None) -> None:
        self.rates = dict(zip(classes, rates))
        self._paths = paths
        self._weights = weights
        self._scales = scales or [None] * len(paths)
        self._load: dict[int, tuple[float, int]] | None = None

    def load(self) -> dict[int, tuple[float, int]]:
        """Per link id: the capacity allocated (bytes/s; a flow's rate times its scale there)
        and the number of flows."""
        if self._load is None:
            load: dict[int, tuple[float, int]] = {}
            for path, rate, n, scale in zip(self._paths, self.rates.values(), self._weights,
                                            self._scales):
                for k, link in enumerate(path):
                    total, count = load.get(link, (0.0, 0))
                    a = scale[k] if scale is not None else 1.0
                    load[link] = (total + rate * n * a, count + n)
            self._load = load
        return self._load


class Allocations:
    """Class numbers and a bounded memo of allocations over the link capacities ``capacity``
    (a list the network updates in place; it must :meth:`forget` the memo when it does)."""

    def __init__(self, capacity: Sequence[float], size: int = 4096,
                 max_classes: int = 65536) -> None:
        self._capacity = capacity
        self._size = size
        self._max_classes = max_classes
        self._ids: dict[tuple, int] = {}
        self._paths: list[tuple[int, ...]] = []
        self._caps: list[float] = []
        self._scales: list[tuple[float, ...] | None] = []
        self._memo: dict[frozenset[tuple[int, int]], Allocation] = {}

    def classify(self, links: tuple[int, ...], cap: float,
                 scale: tuple[float, ...] | None = None) -> int:
        """The number of the class of flows over ``links`` with cap ``cap`` (inf for none) and
        ``scale`` (capacity per byte/s on each link; None: 1)."""
        key = (links, cap, scale)
        number = self._ids.get(key)
        if number is None:
            number = self._ids[key] = len(self._paths)
            self._paths.append(links)
            self._caps.append(cap)
            self._scales.append(scale)
        return number

    @property
    def full(self) -> bool:
        """True when the class table should be :meth:`reset` (and the flows re-classified)."""
        return len(self._paths) >= self._max_classes

    def get(self, groups: Mapping[int, Sequence[object]]) -> Allocation:
        """The allocation of the classes of ``groups`` (class number -> its flows)."""
        signature = frozenset(zip(groups, map(len, groups.values())))
        allocation = self._memo.get(signature)
        if allocation is None:
            if len(self._memo) >= self._size:
                self._memo.clear()
            classes = list(groups)
            paths = [self._paths[c] for c in classes]
            weights = list(map(len, groups.values()))
            scales = [self._scales[c] for c in classes]
            rates = water_fill(paths, [self._caps[c] for c in classes], self._capacity, weights,
                               scales)
            allocation = self._memo[signature] = Allocation(classes, paths, weights, rates,
                                                            scales)
        return allocation

    def forget(self) -> None:
        """Forget every allocation (the capacities changed)."""
        self._memo.clear()

    def reset(self) -> None:
        """Forget every allocation and class number."""
        self._memo.clear()
        self._ids.clear()
        self._paths.clear()
        self._caps.clear()
        self._scales.clear()
