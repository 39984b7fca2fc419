"""Streaming bytes over a migration's lanes (MSP pairs) as network flows, with failover.

Picture the source MSP's mover threads pushing one volume of bytes: split evenly over the lanes
that are up (redundant MSPs: up to 2x faster, S19), each part a fluid flow on the network. The
caller waits for one of a few things (the volume delivered, a deadline, a change of rate) and
reads the bytes delivered so far, which are exact at any instant. When a lane breaks, the bytes
in its TCP windows are lost and go again over a survivor after a VASI FAILOVER; with no lane
left, :class:`MoverFailed` carries the :class:`~lpmsim.actors.causes.Failure` up to the mover,
whose process then fails with it (the HMC decides what follows).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import simpy

from lpmsim.actors.causes import Failure, LinkFault
from lpmsim.actors.migration import Migration
from lpmsim.actors.records import Recorder
from lpmsim.actors.vasi import Entity
from lpmsim.kinds import FailureKind
from lpmsim.network import LinkDown, Network


class MoverFailed(Exception):
    """Every lane of a migration is broken; ``args[0]`` is the :class:`Failure`."""


@dataclass
class Wake:
    done: bool = False       # the volume is delivered
    timer: bool = False      # the deadline passed
    rate: bool = False       # a flow's rate changed (or a lane failed over)


class LaneStream:
    """Bytes of one migration in flight over its lanes (``mig.lanes``)."""

    def __init__(self, env: simpy.Environment, network: Network, mig: Migration,
                 recorder: Recorder, tcp_window: float):
        self.env, self.network, self.mig, self.recorder = env, network, mig, recorder
        self.tcp_window = tcp_window
        self.flows: list = []
        self._lanes: list = []
        self._base = 0.0   # bytes delivered by flows already finished in this volume
        self.size = 0.0
        self.cap: float | None = None

    # -- one volume ------------------------------------------------------------------------
    def start(self, nbytes: float, cap: float | None) -> None:
        """Begin sending ``nbytes`` (bounded by ``cap`` bytes/s in all, if given)."""
        self.size, self.cap, self._base = nbytes, cap, 0.0
        self._launch(nbytes)

    @property
    def rate(self) -> float:
        return sum(f.rate for f in self.flows if f.active)

    def delivered(self) -> float:
        return min(self.size, self._base + sum(f.sent for f in self.flows))

    def stop(self) -> float:
        """Cancel what is still in flight; return the bytes delivered."""
        got = self.delivered()
        for flow in self.flows:
            flow.cancel()
        self.flows = []
        return got

    def wait(self, until: float = math.inf, *, watch: bool = False):
        """Process step: wait for the volume, the deadline ``until`` or (``watch``) a rate
        change; returns a :class:`Wake`. Raises :class:`MoverFailed` when no lane is left."""
        watches = []
        if watch:
            self.rate  # reading a rate settles it: a flow's first rate is no change
            watches = [f.rate_changes() for f in self.flows]
        events = [f.done for f in self.flows] + watches
        if until < math.inf:
            events.append(self.env.timeout(max(0.0, until - self.env.now)))
        wake = Wake()
        try:
            yield self.env.any_of(events)
        except LinkDown:
            self._failover()
            wake.rate = True
            return wake
        if all(f.done.triggered for f in self.flows):
            if self.delivered() >= self.size * (1 - 1e-12) - 1e-9:
                wake.done = True
            else:  # a part finished early over the faster lane: spread the rest again
                self._relaunch()
                wake.rate = True
        elif any(f.done.triggered for f in self.flows):
            self._relaunch()
            wake.rate = True
        else:
            wake.rate = any(w.triggered for w in watches)
        wake.timer = self.env.now >= until
        return wake

    def send(self, nbytes: float, cap: float | None):
        """Process step: deliver ``nbytes`` in full (through failovers)."""
        self.start(nbytes, cap)
        while True:
            wake = yield from self.wait()
            if wake.done:
                return

    # -- internals -------------------------------------------------------------------------
    def _launch(self, nbytes: float) -> None:
        lanes = [lane for lane in self.mig.lanes if lane.up]
        self._lanes = lanes
        share = nbytes / len(lanes)
        self.flows = []
        for lane in lanes:
            limit = lane.cap if self.cap is None else min(lane.cap, self.cap / len(lanes))
            flow = self.network.transfer(lane.path, share, cap=limit, owner=self.mig.id,
                                         scale=lane.scale)
            flow.done.defused = True  # a failure is handled in wait()
            self.flows.append(flow)

    def _relaunch(self) -> None:
        self._base = self.delivered()
        for flow in self.flows:
            flow.cancel()
        rest = self.size - self._base
        if rest > 1e-9:
            self._launch(rest)
        else:
            self.flows = []

    def _failover(self) -> None:
        lost = 0.0
        for lane, flow in zip(self._lanes, self.flows):
            if flow.done.triggered and not flow.done.ok:
                down = flow.done.value
                in_flight = min(flow.sent, lane.streams * self.tcp_window)
                lost += in_flight
                self.mig.tally.resent_bytes += in_flight
                self._lane_failed(lane, down)
        self._base = self.delivered() - lost
        for flow in self.flows:
            flow.cancel()
        self._launch(self.size - self._base)

    def _lane_failed(self, lane, down: LinkDown) -> None:
        lane.up = False
        cause = down.cause
        if isinstance(cause, LinkFault) and cause.kind == "msp":
            entity = Entity.VSP_TARGET if cause.name == lane.dst.vios.name else Entity.VSP_SOURCE
            kind, detail = FailureKind.MSP, f"mover service partition {cause.name} failed"
        else:
            entity, kind = Entity.VSP_SOURCE, FailureKind.LINK
            detail = f"MSP stream broken: link {down.link!r} is down"
        survivors = [other.name for other in self.mig.lanes if other.up]
        if not survivors:
            raise MoverFailed(Failure(entity, kind, detail))
        self.mig.tally.failovers += 1
        self.recorder.event(self.env.now, self.mig.id, f"{self.mig.plan.source}.hypervisor",
                            "FAILOVER", f"{detail}; pair {lane.name} -> {survivors[0]}")


__all__ = ["LaneStream", "MoverFailed", "Wake"]
