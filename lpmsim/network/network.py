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
from collections.abc import Iterable, Mapping, Sequence
from functools import partial

import simpy

from lpmsim.network.allocation import Allocation, Allocations
from lpmsim.network.flow import Flow, _check_cap
from lpmsim.network.links import LinkDown, LinkSample, LinkSpec

__all__ = ["Network"]


class Network:
    """The links of ``links`` (names must be unique) in the SimPy environment ``env``. When
    ``samples`` is a list, a :class:`LinkSample` is appended for every link whose allocation
    changed, each time the rates change (and one per link at construction, with no flows).
    Raises ValueError for a name given twice, TypeError for something not a LinkSpec.

    Rates are settled once per sim time by a zero-delay event scheduled after the ``done``
    events of the flows that just finished, so a process that starts its next transfer on
    waking shares in the same settle and a chain of transfers leaves no transient samples.
    """

    def __init__(self, env: simpy.Environment, links: Iterable[LinkSpec],
                 samples: list[LinkSample] | None = None,
                 twins: dict[str, str] | None = None) -> None:
        self.env = env
        self.samples = samples
        #: a link -> the link that is its other direction (full duplex): a failure, a repair or a
        #: change of bandwidth of one applies to both
        self.twins: dict[str, str] = dict(twins or {})
        self.specs: dict[str, LinkSpec] = {}
        for spec in links:
            if not isinstance(spec, LinkSpec):
                raise TypeError(f'"links" must hold LinkSpec objects, not {spec!r}.')
            if spec.name in self.specs:
                raise ValueError(f'"links" names link {spec.name!r} twice.')
            self.specs[spec.name] = spec
        self._names = list(self.specs)
        self._ids = {name: i for i, name in enumerate(self._names)}
        self._bandwidth = [spec.bandwidth for spec in self.specs.values()]
        self._capacity = [spec.capacity for spec in self.specs.values()]
        self._down: dict[int, object] = {}  # link id -> cause
        self._flows: dict[Flow, None] = {}  # in order of arrival
        self._dirty = False  # rates are stale
        self._pending: simpy.Event | None = None  # the settle event scheduled, if any
        self._generation = 0  # bumped at each settle; older completion timers are void
        self._allocations = Allocations(self._capacity)
        self._recorded: list[tuple[float, float, int]] = [(0.0, c, 0) for c in self._capacity]
        self._recorded_allocation: Allocation | None = None
        self._changed: set[int] = set()  # links whose capacity changed since the last record
        self._busy: set[int] = set()  # links that carried flows at the last record
        if samples is not None:
            for name, capacity in zip(self._names, self._capacity):
                samples.append(LinkSample(env.now, name, 0.0, capacity, 0))

    # -- reading state ---------------------------------------------------------------------

    @property
    def flows(self) -> tuple[Flow, ...]:
        """The flows now on the network (background traffic included), in order of arrival."""
        return tuple(self._flows)

    def capacity(self, name: str) -> float:
        """The usable capacity of link ``name`` in bytes/s now (0 while it is down)."""
        return self._capacity[self._id(name)]

    def is_up(self, name: str) -> bool:
        """True unless link ``name`` is down."""
        return self._id(name) not in self._down

    def path_latency(self, path: Sequence[str]) -> float:
        """The one-way latency of ``path`` in seconds: the sum over its links (each once)."""
        return sum(self.specs[self._names[i]].latency for i in self._links_of(path))

    def rtt(self, path: Sequence[str]) -> float:
        """The round-trip time of ``path`` in seconds: twice its one-way latency."""
        return 2.0 * self.path_latency(path)

    # -- making flows ----------------------------------------------------------------------

    def transfer(self, path: Sequence[str], nbytes: float, cap: float | None = None,
                 owner: object = None, scale: Mapping[str, float] | None = None) -> Flow:
        """Send ``nbytes`` over every link of ``path`` at the flow's max-min fair share, bounded
        by ``cap`` bytes/s. ``scale`` maps a link of the path to the capacity one byte/s of this
        flow uses there (default 1: an NX unit that compresses ``ratio`` raw bytes per byte sent
        is a link of scale ``ratio``). Adds no latency. Returns the :class:`Flow`; its ``done``
        event succeeds when the last byte has drained (at once for 0 bytes), or fails with
        :class:`LinkDown` if a link of the path is or goes down. Raises KeyError naming an
        unknown link, ValueError for a bad ``nbytes``, ``cap`` or ``scale``.
        """
        links = self._links_of(path)
        if (isinstance(nbytes, bool) or not isinstance(nbytes, numbers.Real)
                or not math.isfinite(nbytes) or nbytes < 0):
            raise ValueError(f'"nbytes" must be a finite number >= 0, not {nbytes!r}.')
        flow = Flow(self, path, links, float(nbytes), _check_cap(cap), owner,
                    scale=self._scale_of(path, scale))
        down = next((i for i in links if i in self._down), None)
        if down is not None:
            flow.ended = self.env.now
            flow.done.fail(LinkDown(self._names[down], self._down[down]))
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
        link = self._id(name)
        if (isinstance(rate, bool) or not isinstance(rate, numbers.Real)
                or math.isnan(rate) or rate < 0):
            raise ValueError(f'"rate" must be >= 0, not {rate!r}.')
        if until is not None and not until > self.env.now:
            raise ValueError(f'"until" must be later than now ({self.env.now}), not {until!r}.')
        flow = Flow(self, (name,), (link,), math.inf, _check_cap(rate), None, background=True)
        self._add(flow)
        if until is not None:
            timer = self.env.timeout(until - self.env.now)
            timer.callbacks.append(lambda _event: self._end_background(flow))
        return flow

    # -- changing links --------------------------------------------------------------------

    def set_capacity(self, name: str, bandwidth: float) -> None:
        """Both directions of a duplex link (see ``twins``); one direction: :meth:`_set_one`."""
        self._set_one(name, bandwidth)
        if name in self.twins:
            self._set_one(self.twins[name], bandwidth)

    def _set_one(self, name: str, bandwidth: float) -> None:
        """Set the nominal bandwidth of link ``name`` (bytes/s, >= 0) from now on; its usable
        capacity stays ``bandwidth * efficiency * aggregation``.
        """
        link = self._id(name)
        if (isinstance(bandwidth, bool) or not isinstance(bandwidth, numbers.Real)
                or not math.isfinite(bandwidth) or bandwidth < 0):
            raise ValueError(f'"bandwidth" must be a finite number >= 0, not {bandwidth!r}.')
        self._touch()
        self._bandwidth[link] = float(bandwidth)
        self._update_capacity(link)

    def fail(self, name: str, cause: object = None) -> None:
        """Take link ``name`` (both directions of a duplex link) down; see :meth:`_fail_one`."""
        self._fail_one(name, cause)
        if name in self.twins:
            self._fail_one(self.twins[name], cause)

    def _fail_one(self, name: str, cause: object = None) -> None:
        """Take link ``name`` down: every transfer crossing it leaves the network and its
        ``done`` fails with ``LinkDown(name, cause)``; background traffic on it pauses. New
        transfers over it fail the same way until :meth:`restore`. No-op if already down.
        """
        link = self._id(name)
        if link in self._down:
            return
        self._touch()
        self._down[link] = cause
        self._update_capacity(link)
        for flow in [f for f in self._flows if link in f._links and not f.background]:
            self._drop(flow)
            flow.done.fail(LinkDown(name, cause))

    def restore(self, name: str) -> None:
        """Bring link ``name`` (both directions of a duplex link) back up."""
        self._restore_one(name)
        if name in self.twins:
            self._restore_one(self.twins[name])

    def _restore_one(self, name: str) -> None:
        """Bring link ``name`` back up (with the bandwidth it had). No-op if it is up."""
        link = self._id(name)
        if link not in self._down:
            return
        self._touch()
        del self._down[link]
        self._update_capacity(link)

    # -- internals -------------------------------------------------------------------------

    def _id(self, name: str) -> int:
        try:
            return self._ids[name]
        except (KeyError, TypeError):
            raise KeyError(f"unknown link {name!r}") from None

    def _links_of(self, path: Sequence[str]) -> tuple[int, ...]:
        if isinstance(path, str):
            raise TypeError(f'"path" must be a sequence of link names, not the string {path!r}.')
        links = tuple(dict.fromkeys(self._id(name) for name in path))
        if not links:
            raise ValueError('"path" must name at least one link.')
        return links

    def _scale_of(self, path: Sequence[str], scale: Mapping[str, float] | None
                  ) -> tuple[float, ...] | None:
        """``scale`` as one factor per link of the flow (its links in path order, no repeats);
        None when every factor is 1."""
        if not scale:
            return None
        if unknown := [name for name in scale if name not in path]:
            raise ValueError(f'"scale" names links not on the path: {unknown}')
        factors: list[float] = []
        for name in dict.fromkeys(path):
            a = scale.get(name, 1.0)
            if isinstance(a, bool) or not isinstance(a, numbers.Real) or not math.isfinite(a) \
                    or a <= 0:
                raise ValueError(f'"scale" of {name!r} must be a finite number > 0, not {a!r}.')
            factors.append(float(a))
        return None if all(a == 1.0 for a in factors) else tuple(factors)

    def _update_capacity(self, link: int) -> None:
        spec = self.specs[self._names[link]]
        nominal = self._bandwidth[link] * spec.efficiency * spec.aggregation
        self._capacity[link] = 0.0 if link in self._down else nominal
        self._allocations.forget()
        self._changed.add(link)

    def _classify(self, links: tuple[int, ...], cap: float,
                  scale: tuple[float, ...] | None = None) -> int:
        """The class number of flows over ``links`` with cap ``cap`` (and ``scale``)."""
        if self._allocations.full:  # renumber the classes of the flows still running
            self._allocations.reset()
            for flow in self._flows:
                flow._class = self._allocations.classify(flow._links, flow._cap, flow._scale)
        return self._allocations.classify(links, cap, scale)

    def _add(self, flow: Flow) -> None:
        self._touch()
        flow._active = True
        self._flows[flow] = None

    def _remove(self, flow: Flow) -> None:
        self._touch()
        self._drop(flow)

    def _drop(self, flow: Flow) -> None:
        """Take ``flow`` off the network, its byte count brought to now."""
        flow._sent = flow.sent
        flow._t0 = self.env.now
        del self._flows[flow]
        flow._active = False
        flow._rate = 0.0
        flow.ended = self.env.now
        if flow._watch is not None:
            flow._fire(0.0)

    def _end_background(self, flow: Flow) -> None:
        if flow._active:
            self._remove(flow)
            flow.done.succeed(flow)

    def _touch(self) -> None:
        """Something changes now: settle soon (each flow's account is exact from the instant
        its own rate began, so nothing needs closing here)."""
        self._dirty = True
        if self._pending is None:
            self._pending = self.env.timeout(0)
            self._pending.callbacks.append(self._on_settle)

    def _on_settle(self, event: simpy.Event) -> None:
        if event is not self._pending:  # superseded by a later settle event
            return
        self._pending = None
        if self._dirty:
            self._settle()

    def _settle(self) -> None:
        """Re-allocate the rates, record the links that changed, and arm the next completion.
        A flow whose rate does not change keeps its account and its finish instant as they
        were, bit for bit: what happens to other flows cannot move its timeline."""
        self._dirty = False
        self._generation += 1
        groups: dict[int, list[Flow]] = {}  # class number -> its flows
        for flow in self._flows:
            group = groups.get(flow._class)
            if group is None:
                groups[flow._class] = [flow]
            else:
                group.append(flow)
        allocation = self._allocations.get(groups)
        now = self.env.now
        first = math.inf
        for key, flows in groups.items():
            rate = allocation.rates[key]
            for flow in flows:
                if rate != flow._rate:
                    if flow._watch is not None:
                        flow._fire(rate)
                    flow._sent = flow.sent
                    flow._t0 = now
                    flow._rate = rate
                    flow._finish = (now + (flow.size - flow._sent) / rate if rate > 0
                                    else math.inf)
                if flow._finish < first:
                    first = flow._finish
        if self.samples is not None:
            self._record(allocation)
        if first < math.inf:
            timer = self.env.timeout(first - now if first > now else 0.0)
            timer.callbacks.append(partial(self._on_timer, self._generation, first))

    def _on_timer(self, generation: int, target: float, _event: simpy.Event) -> None:
        """The next completion is due (unless the rates changed since it was armed). Flows due
        by ``target``, or with only rounding error left (<= 1e-9 of their size, or < 1e-6
        bytes), are done."""
        if generation != self._generation:
            return
        finished = [f for f in self._flows if f._finish <= target
                    or (f.size - f.sent <= 1e-9 * f.size and not f.background)
                    or f.size - f.sent < 1e-6]
        for flow in finished:
            self._drop(flow)
            flow._sent = flow.size
            flow.done.succeed(flow)
        # Settle after the done events, so that the processes they wake can start their next
        # transfers first: one settle, and no transient samples, for a chain of transfers.
        self._pending = None
        self._touch()

    def _record(self, allocation: Allocation) -> None:
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
        for link in sorted(candidates):
            rate, n = load.get(link, (0.0, 0))
            state = (rate, self._capacity[link], n)
            if self._recorded[link] != state:
                self._recorded[link] = state
                self.samples.append(LinkSample(now, self._names[link], rate, state[1], n))

