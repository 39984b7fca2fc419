"""The network: links shared by flows of memory pages, as a fluid with max-min fair sharing.

Picture the migration network as pipes (links) and the page streams of the MSPs as water poured
through them. Every flow runs at its max-min fair share of the links it crosses, bounded by its
own cap; the shares are recomputed whenever a flow starts, ends or is cancelled, a cap or a
capacity changes, or a link fails. Between two such events every rate is constant, so completion
times are exact and the simulation needs one event per change, never a polling loop. This is the
fluid max-min model SimGrid uses for its network (LV08 "fluid" model).

One SimPy timeout waits for the next completion; it is superseded (by a generation counter)
whenever the rates change. Changes at the same sim time are coalesced: the rates are settled once,
by a zero-delay event, or at once when a caller reads a ``rate``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from functools import partial

import simpy

from lpmsim.network.flow import Flow, _check_cap
from lpmsim.network.links import LinkDown, LinkSample, LinkSpec
from lpmsim.network.sharing import max_min

__all__ = ["Network"]


def _is_done(flow: Flow) -> bool:
    """True when only rounding error is left of a finite flow."""
    left = flow.size - flow._sent
    return left < 1e-6 or (left <= 1e-9 * flow.size and not flow.background)


class Network:
    """The links of ``links`` (names must be unique) in the SimPy environment ``env``. When
    ``samples`` is a list, a :class:`LinkSample` is appended for every link whose allocation
    changed, each time the rates change (and one per link at construction).
    """

    def __init__(self, env: simpy.Environment, links: Iterable[LinkSpec],
                 samples: list[LinkSample] | None = None) -> None:
        self.env = env
        self.samples = samples
        self.specs: dict[str, LinkSpec] = {}
        for spec in links:
            if not isinstance(spec, LinkSpec):
                raise TypeError(f'"links" must hold LinkSpec objects, not {spec!r}.')
            if spec.name in self.specs:
                raise ValueError(f'"links" names link {spec.name!r} twice.')
            self.specs[spec.name] = spec
        self._bandwidth = {name: spec.bandwidth for name, spec in self.specs.items()}
        self._capacity = {name: spec.capacity for name, spec in self.specs.items()}
        self._order = {name: i for i, name in enumerate(self.specs)}
        self._down: dict[str, object] = {}
        self._flows: dict[Flow, None] = {}
        self._last = env.now
        self._dirty = False
        self._pending = False
        self._generation = 0
        self._recorded: dict[str, tuple[float, float, int]] = {}
        self._allocations: dict[frozenset[tuple[_Class, int]], _Allocation] = {}
        self._recorded_allocation: _Allocation | None = None
        self._changed: set[str] = set()  # links whose capacity changed since the last record
        self._busy: set[str] = set()  # links that carried flows at the last record
        if samples is not None:
            for name in self.specs:
                self._recorded[name] = (0.0, self._capacity[name], 0)
                samples.append(LinkSample(env.now, name, 0.0, self._capacity[name], 0))

    # -- reading state ---------------------------------------------------------------------

    @property
    def flows(self) -> tuple[Flow, ...]:
        """The flows now on the network, in order of arrival."""
        return tuple(self._flows)

    def capacity(self, name: str) -> float:
        """The usable capacity of link ``name`` in bytes/s now (0 while it is down)."""
        self._spec(name)
        return self._capacity[name]

    def is_up(self, name: str) -> bool:
        """True unless link ``name`` is down."""
        self._spec(name)
        return name not in self._down

    def path_latency(self, path: Sequence[str]) -> float:
        """The one-way latency of ``path`` in seconds: the sum over its links (each once)."""
        return sum(self._spec(name).latency for name in self._links_of(path))

    def rtt(self, path: Sequence[str]) -> float:
        """The round-trip time of ``path`` in seconds: twice its one-way latency."""
        return 2.0 * self.path_latency(path)

    # -- making flows ----------------------------------------------------------------------

    def transfer(self, path: Sequence[str], nbytes: float, cap: float | None = None,
                 owner: object = None) -> Flow:
        """Send ``nbytes`` over every link of ``path`` at the flow's max-min fair share, bounded
        by ``cap`` bytes/s. Adds no latency. Returns the :class:`Flow`; its ``done`` event
        succeeds when the last byte has drained (at once for 0 bytes), or fails with
        :class:`LinkDown` if a link of the path is or goes down. Raises KeyError for an unknown
        link, ValueError for a bad ``nbytes`` or ``cap``.
        """
        links = self._links_of(path)
        if (isinstance(nbytes, bool) or not isinstance(nbytes, numbers.Real)
                or not math.isfinite(nbytes) or nbytes < 0):
            raise ValueError('"nbytes" must be a finite number >= 0.')
        flow = Flow(self, path, links, float(nbytes), _check_cap(cap), owner)
        down = next((name for name in links if name in self._down), None)
        if down is not None:
            flow.ended = self.env.now
            flow.done.fail(LinkDown(down, self._down[down]))
        elif nbytes == 0:
            flow.ended = self.env.now
            flow.done.succeed(flow)
        else:
            self._add(flow)
        return flow

    def background(self, name: str, rate: float, until: float | None = None) -> Flow:
        """Endless traffic on link ``name`` that demands ``rate`` bytes/s (as its cap) until the
        absolute sim time ``until`` (its ``done`` then succeeds) or until cancelled. It takes its
        max-min share like any flow; while the link is down it sends nothing but stays.
        """
        self._spec(name)
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not rate >= 0:
            raise ValueError('"rate" must be >= 0.')
        if until is not None and not until > self.env.now:
            raise ValueError('"until" must be later than the current time.')
        flow = Flow(self, (name,), (name,), math.inf, _check_cap(rate), None, background=True)
        self._add(flow)
        if until is not None:
            timer = self.env.timeout(until - self.env.now)
            timer.callbacks.append(lambda _event: self._end_background(flow))
        return flow

    # -- changing links --------------------------------------------------------------------

    def set_capacity(self, name: str, bandwidth: float) -> None:
        """Set the nominal bandwidth of link ``name`` (bytes/s, >= 0) from now on; its usable
        capacity stays ``bandwidth * efficiency * aggregation``.
        """
        self._spec(name)
        if (isinstance(bandwidth, bool) or not isinstance(bandwidth, numbers.Real)
                or not math.isfinite(bandwidth) or bandwidth < 0):
            raise ValueError('"bandwidth" must be a finite number >= 0.')
        self._touch()
        self._bandwidth[name] = float(bandwidth)
        self._update_capacity(name)

    def fail(self, name: str, cause: object = None) -> None:
        """Take link ``name`` down: every transfer crossing it leaves the network and its
        ``done`` fails with ``LinkDown(name, cause)``; background traffic on it pauses. New
        transfers over it fail the same way until :meth:`restore`. No-op if already down.
        """
        self._spec(name)
        if name in self._down:
            return
        self._touch()
        self._down[name] = cause
        self._update_capacity(name)
        for flow in [f for f in self._flows if name in f._links and not f.background]:
            self._drop(flow)
            flow.done.fail(LinkDown(name, cause))

    def restore(self, name: str) -> None:
        """Bring link ``name`` back up (with the bandwidth it had). No-op if it is up."""
        self._spec(name)
        if name not in self._down:
            return
        self._touch()
        del self._down[name]
        self._update_capacity(name)

    # -- internals -------------------------------------------------------------------------

    def _spec(self, name: str) -> LinkSpec:
        try:
            return self.specs[name]
        except (KeyError, TypeError):
            raise KeyError(f"unknown link {name!r}") from None

    def _links_of(self, path: Sequence[str]) -> tuple[str, ...]:
        if isinstance(path, str):
            raise TypeError('"path" must be a sequence of link names, not a string.')
        links = tuple(dict.fromkeys(path))
        if not links:
            raise ValueError('"path" must name at least one link.')
        for name in links:
            self._spec(name)
        return links

    def _update_capacity(self, name: str) -> None:
        spec = self.specs[name]
        nominal = self._bandwidth[name] * spec.efficiency * spec.aggregation
        self._capacity[name] = 0.0 if name in self._down else nominal
        self._allocations.clear()
        self._changed.add(name)

    def _add(self, flow: Flow) -> None:
        self._touch()
        flow._active = True
        self._flows[flow] = None

    def _remove(self, flow: Flow) -> None:
        self._touch()
        self._drop(flow)

    def _drop(self, flow: Flow) -> None:
        """Take ``flow`` off the network (the caller has advanced the clock)."""
        del self._flows[flow]
        flow._active = False
        flow._rate = 0.0
        flow.ended = self.env.now

    def _end_background(self, flow: Flow) -> None:
        if flow._active:
            self._remove(flow)
            flow.done.succeed(flow)

    def _advance(self) -> None:
        """Bring every flow's byte count to now, at the rates that held since the last change."""
        now = self.env.now
        dt = now - self._last
        if dt > 0:
            for flow in self._flows:
                flow._sent += flow._rate * dt
            self._last = now

    def _touch(self) -> None:
        """Something changes now: close the accounts at the old rates and settle soon."""
        self._advance()
        self._dirty = True
        if not self._pending:
            self._pending = True
            self.env.timeout(0).callbacks.append(self._on_settle)

    def _on_settle(self, _event: simpy.Event) -> None:
        self._pending = False
        if self._dirty:
            self._settle()

    def _settle(self) -> None:
        """Re-allocate the rates, record the links that changed, and arm the next completion."""
        self._advance()
        self._dirty = False
        self._generation += 1
        groups: dict[_Class, list[Flow]] = {}
        for flow in self._flows:
            key = (flow._links, flow._cap)
            group = groups.get(key)
            if group is None:
                groups[key] = [flow]
            else:
                group.append(flow)
        allocation = self._allocate(groups)
        now = self.env.now
        first = math.inf
        for key, flows in groups.items():
            rate = allocation.rates[key]
            for flow in flows:
                flow._rate = rate
                if rate > 0:
                    finish = flow._finish = now + (flow.size - flow._sent) / rate
                    if finish < first:
                        first = finish
                else:
                    flow._finish = math.inf
        if self.samples is not None:
            self._record(allocation)
        if first < math.inf:
            timer = self.env.timeout(first - now if first > now else 0.0)
            timer.callbacks.append(partial(self._on_timer, self._generation, first))

    def _allocate(self, groups: dict[_Class, list[Flow]]) -> _Allocation:
        """The max-min rates of the flow classes (path, cap) of ``groups``. Memoised: the
        allocation depends only on the classes, their sizes and the link capacities, and the
        same few classes (chunks of the same MSP pairs) recur all through a run.
        """
        signature = frozenset((key, len(flows)) for key, flows in groups.items())
        allocation = self._allocations.get(signature)
        if allocation is None:
            if len(self._allocations) >= 4096:
                self._allocations.clear()
            keys = list(groups)
            weights = [len(groups[key]) for key in keys]
            rates = max_min([key[0] for key in keys], [key[1] for key in keys], self._capacity,
                            weights)
            allocation = _Allocation(keys, weights, rates)
            self._allocations[signature] = allocation
        return allocation

    def _on_timer(self, generation: int, target: float, _event: simpy.Event) -> None:
        """The next completion is due (unless the rates changed since it was armed)."""
        if generation != self._generation:
            return
        self._advance()
        finished = [f for f in self._flows if f._finish <= target or _is_done(f)]
        for flow in finished:
            self._drop(flow)
            flow._sent = flow.size
            flow.done.succeed(flow)
        self._touch()  # after the done events, so that their waiters act before the settle

    def _record(self, allocation: _Allocation) -> None:
        """Append a sample for every link whose rate, capacity or flow count changed."""
        assert self.samples is not None
        if allocation is self._recorded_allocation and not self._changed:
            return
        self._recorded_allocation = allocation
        load = allocation.load()
        candidates = self._changed.union(load, self._busy)
        self._changed.clear()
        self._busy = set(load)
        now = self.env.now
        for name in sorted(candidates, key=self._order.__getitem__):
            rate, n = load.get(name, (0.0, 0))
            state = (rate, self._capacity[name], n)
            if self._recorded.get(name) != state:
                self._recorded[name] = state
                self.samples.append(LinkSample(now, name, rate, state[1], n))


_Class = tuple[tuple[str, ...], float]  # the links of a flow and its cap


class _Allocation:
    """The max-min rates of some flow classes, and (when asked) the load they put on links."""

    __slots__ = ("rates", "_weights", "_load")

    def __init__(self, keys: list[_Class], weights: list[int], rates: list[float]) -> None:
        self.rates = dict(zip(keys, rates))
        self._weights = dict(zip(keys, weights))
        self._load: dict[str, tuple[float, int]] | None = None

    def load(self) -> dict[str, tuple[float, int]]:
        """Per link: the total rate allocated (bytes/s) and the number of flows."""
        if self._load is None:
            load: dict[str, tuple[float, int]] = {}
            for key, rate in self.rates.items():
                n = self._weights[key]
                for name in key[0]:
                    total, count = load.get(name, (0.0, 0))
                    load[name] = (total + rate * n, count + n)
            self._load = load
        return self._load
