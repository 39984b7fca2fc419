"""Allocations: the max-min rates of the classes of flows on a network, memoised.

Picture a switch that sees the same few streams again and again: the chunks of one migration
follow the same MSP path with the same cap, one after another. Flows with the same path and cap
(a *class*) always get the same max-min rate, and the rates depend only on which classes are
present, how many flows each holds, and the link capacities. So the network solves each such
configuration once and looks it up after; a capacity change forgets everything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lpmsim.network.sharing import water_fill

__all__ = ["FlowClass", "Allocation", "Allocations"]

FlowClass = tuple[tuple[int, ...], float]  # the link ids of a flow and its cap (inf for none)


class Allocation:
    """The rate of one flow of each class, and (computed when asked) the load on each link."""

    __slots__ = ("rates", "_weights", "_load")

    def __init__(self, classes: list[FlowClass], weights: list[int], rates: list[float]) -> None:
        self.rates = dict(zip(classes, rates))
        self._weights = weights
        self._load: dict[int, tuple[float, int]] | None = None

    def load(self) -> dict[int, tuple[float, int]]:
        """Per link id: the total rate allocated (bytes/s) and the number of flows."""
        if self._load is None:
            load: dict[int, tuple[float, int]] = {}
            for (key, rate), n in zip(self.rates.items(), self._weights):
                for link in key[0]:
                    total, count = load.get(link, (0.0, 0))
                    load[link] = (total + rate * n, count + n)
            self._load = load
        return self._load


class Allocations:
    """A bounded memo of allocations over the link capacities ``capacity`` (a list the network
    updates in place; it must :meth:`clear` the memo when it does)."""

    def __init__(self, capacity: Sequence[float], size: int = 4096) -> None:
        self._capacity = capacity
        self._size = size
        self._memo: dict[frozenset[tuple[FlowClass, int]], Allocation] = {}

    def get(self, groups: Mapping[FlowClass, Sequence[object]]) -> Allocation:
        """The allocation of the classes of ``groups`` (class -> its flows)."""
        signature = frozenset(zip(groups, map(len, groups.values())))
        allocation = self._memo.get(signature)
        if allocation is None:
            if len(self._memo) >= self._size:
                self._memo.clear()
            classes = list(groups)
            weights = list(map(len, groups.values()))
            rates = water_fill([key[0] for key in classes], [key[1] for key in classes],
                               self._capacity, weights)
            allocation = self._memo[signature] = Allocation(classes, weights, rates)
        return allocation

    def clear(self) -> None:
        """Forget every allocation (the capacities changed)."""
        self._memo.clear()
