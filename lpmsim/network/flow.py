"""Flows: a transfer of bytes across a path of links, drained like water through pipes.

A flow is a volume of bytes (a chunk of memory pages, a partition profile) pushed from one end of
a path to the other. The network gives it a rate, its max-min fair share bounded by its own cap,
and the rate holds until something changes; so the bytes still to send are exact at any time.
When the last byte has drained, ``flow.done`` succeeds with the flow as its value.

Flows are made by :meth:`Network.transfer` and :meth:`Network.background`, not directly.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING

import simpy

if TYPE_CHECKING:
    from lpmsim.network.network import Network

__all__ = ["Flow"]


class Flow:
    """A transfer of ``size`` bytes over the links of ``path`` (``size`` is ``inf`` for background
    traffic). ``started`` and ``ended`` are sim times in seconds (``ended`` is None while it
    runs); ``owner`` is whatever the caller passed (an MSP, a migration); ``done`` is the SimPy
    event that succeeds with the flow when its last byte has drained, or fails with
    :class:`LinkDown` when a link of its path goes down. As with any SimPy event, a failure that
    no process waits for ends ``env.run`` with that exception: wait for ``done`` in a
    ``try``/``except LinkDown``, or set ``done.defused = True``.
    """

    __slots__ = ("path", "size", "owner", "started", "ended", "done", "background",
                 "_net", "_links", "_scale", "_cap", "_class", "_rate", "_sent", "_t0",
                 "_finish", "_active", "_watch")

    def __init__(self, net: Network, path: Sequence[str], links: tuple[int, ...], size: float,
                 cap: float, owner: object, background: bool = False,
                 scale: tuple[float, ...] | None = None) -> None:
        self.path = tuple(path)
        self.size = size
        self.owner = owner
        self.started: float = net.env.now
        self.ended: float | None = None
        self.done: simpy.Event = net.env.event()
        self.background = background
        self._net = net
        self._links = links
        self._scale = scale  # capacity used per byte/s on each link (None: 1 on every link)
        self._cap = cap
        self._class = net._classify(links, cap, scale)  # flows of one class get one rate
        self._rate = 0.0
        #: bytes delivered by ``_t0``, the instant its current rate began: its accounts move
        #: only when its own rate does, so events elsewhere never touch its arithmetic
        self._sent = 0.0
        self._t0: float = net.env.now
        self._finish = math.inf
        self._active = False
        self._watch: simpy.Event | None = None

    @property
    def active(self) -> bool:
        """True while the flow is on the network (not done, cancelled or failed)."""
        return self._active

    @property
    def rate(self) -> float:
        """Its current rate in bytes/s (0 once it has left the network)."""
        net = self._net
        if net._dirty:
            net._settle()
        return self._rate

    @property
    def sent(self) -> float:
        """Bytes delivered so far, exact at the current sim time."""
        if not self._active:
            return self._sent
        return self._sent + self._rate * (self._net.env.now - self._t0)

    @property
    def remaining(self) -> float:
        """Bytes still to send, exact at the current sim time (``inf`` for background)."""
        return max(self.size - self.sent, 0.0)

    @property
    def cap(self) -> float | None:
        """Its own rate limit in bytes/s, or None when only the links bound it."""
        return None if self._cap == math.inf else self._cap

    def rate_changes(self) -> simpy.Event:
        """An event that succeeds (with the new rate) the next time the network gives this flow
        another rate, or when it leaves the network: a ``when_*`` condition, not a poll."""
        if self._watch is None:
            self._watch = self._net.env.event()
            if not self._active:
                self._fire(0.0)
        assert self._watch is not None
        return self._watch

    def _fire(self, rate: float) -> None:
        watch, self._watch = self._watch, None
        if watch is not None and not watch.triggered:
            watch.succeed(rate)

    def set_cap(self, cap: float | None) -> None:
        """Change its cap (bytes/s, None for none); the rates of all flows are re-allocated."""
        value = _check_cap(cap)
        if self._active:
            self._net._touch()
        self._cap = value
        self._class = self._net._classify(self._links, value, self._scale)

    def cancel(self) -> None:
        """Take it off the network; its ``done`` event never fires. No-op once it has left."""
        if self._active:
            self._net._remove(self)

    def __repr__(self) -> str:
        state = "active" if self._active else "ended"
        return (f"Flow(path={self.path!r}, size={self.size!r}, sent={self.sent!r}, "
                f"rate={self._rate!r}, {state})")


def _check_cap(cap: float | None) -> float:
    if cap is None:
        return math.inf
    if isinstance(cap, bool) or not isinstance(cap, numbers.Real) or math.isnan(cap) or cap < 0:
        raise ValueError(f'"cap" must be None or >= 0, not {cap!r}.')
    return float(cap)
