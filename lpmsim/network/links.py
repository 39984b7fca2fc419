"""Links: the wires and ports that carry memory pages between mover service partitions.

Picture the path of a page during Live Partition Mobility: it leaves the source MSP through a
virtual or physical Ethernet adapter, crosses a switch, maybe a bonded uplink between racks, and
enters the destination MSP. Each of these is a *link* here: a pipe with a line rate, a one-way
latency, a protocol efficiency (Ethernet, IP and TCP headers eat part of the line rate: IBM plans
about 80 MB/s on a 1 GbE link, an efficiency near 0.64) and an aggregation count (an EtherChannel
/ LACP bond of n ports carries about n times one port).

This module holds the plain values of the network layer: the link description, the failure cause
raised when a link goes down, the utilisation record, and the TCP window limit of a stream.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

__all__ = ["LinkSpec", "LinkDown", "LinkSample", "tcp_cap"]


@dataclass(frozen=True)
class LinkSpec:
    """One link: ``bandwidth`` is the nominal line rate in bytes/s, ``latency`` the one-way delay
    in seconds, ``efficiency`` the protocol efficiency in (0, 1] and ``aggregation`` the number of
    bonded ports. The usable capacity is ``bandwidth * efficiency * aggregation`` bytes/s.

    Raises ValueError naming the bad field, e.g. ``'"bandwidth" must be > 0.'``.
    """

    name: str
    bandwidth: float
    latency: float = 0.0
    efficiency: float = 1.0
    aggregation: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError('"name" must be a non-empty string.')
        if not _finite(self.bandwidth) or self.bandwidth <= 0:
            raise ValueError('"bandwidth" must be > 0.')
        if not _finite(self.latency) or self.latency < 0:
            raise ValueError('"latency" must be >= 0.')
        if not _finite(self.efficiency) or not 0 < self.efficiency <= 1:
            raise ValueError('"efficiency" must be in (0, 1].')
        if not _whole(self.aggregation) or self.aggregation < 1:
            raise ValueError('"aggregation" must be an integer >= 1.')

    @property
    def capacity(self) -> float:
        """Usable capacity in bytes/s: line rate times efficiency times bonded ports."""
        return self.bandwidth * self.efficiency * self.aggregation


class LinkDown(Exception):
    """The cause of a failed transfer: link ``link`` went down (or was down), for ``cause``."""

    def __init__(self, link: str, cause: object = None) -> None:
        super().__init__(link, cause)
        self.link = link
        self.cause = cause

    def __str__(self) -> str:
        if self.cause is None:
            return f"link {self.link!r} is down"
        return f"link {self.link!r} is down: {self.cause}"


@dataclass(frozen=True)
class LinkSample:
    """The allocation of one link from ``time`` (s) until its next sample: ``rate`` is the total
    rate allocated to its flows (bytes/s), ``capacity`` its usable capacity (bytes/s, 0 when
    down) and ``flows`` the number of flows crossing it. Samples of one link form a step
    function of utilisation over time.
    """

    time: float
    link: str
    rate: float
    capacity: float
    flows: int


def tcp_cap(window_bytes: float, rtt_s: float, streams: int = 1) -> float:
    """The TCP window limit of ``streams`` parallel streams, in bytes/s: a stream cannot have
    more than one window in flight per round trip, so it carries at most ``window/rtt``.
    Returns ``inf`` when ``rtt_s`` is 0.
    """
    if not _finite(window_bytes) or window_bytes <= 0:
        raise ValueError('"window_bytes" must be > 0.')
    if not _finite(rtt_s) or rtt_s < 0:
        raise ValueError('"rtt_s" must be >= 0.')
    if not _whole(streams) or streams < 1:
        raise ValueError('"streams" must be an integer >= 1.')
    if rtt_s == 0:
        return math.inf
    return streams * window_bytes / rtt_s


def _finite(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x)


def _whole(x: object) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)
