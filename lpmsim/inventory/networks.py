"""Which mover service partitions can reach each other, and over which links (issue 13).

IBM: the MSPs of a migration talk over TCP/IP, preferably on a dedicated LPM network, chosen
with ``migrlpar -i source_msp_ipaddr=...,dest_msp_ipaddr=...`` (S18, S25). lpmsim's rule: a
pair of interfaces reaches each other when they share a link (the switch or network both are
cabled to); the stream crosses the source interface's links up to that common link and the
destination's from it inwards. MSPs with no such pair are never paired: the HMC's validation
says so instead of inventing a path between unconnected networks.
"""

from __future__ import annotations

from lpmsim.inventory.hosting import Interface
from lpmsim.inventory.models import Vios


def route(a: Interface, b: Interface) -> tuple[str, ...] | None:
    """The links from interface ``a`` to interface ``b``; None when they share none."""
    return _route(a.links, b.links)


def _route(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...] | None:
    common = [name for name in a if name in b]
    if not common:
        return None
    meet = common[0]
    head = list(a[:a.index(meet) + 1])
    tail = [name for name in reversed(b[:b.index(meet)]) if name not in head]
    return tuple(head + tail)


def _ends(v: Vios) -> list[tuple[str, tuple[str, ...]]]:
    """(ip, links) of each LPM interface; without any, one over the VIOS's links (no model is
    built: admission asks at every dispatch of every waiting migration)."""
    return [(i.ip, i.links) for i in v.interfaces] or [("", v.links)]


def msp_path(src: Vios, dst: Vios, src_ip: str | None = None,
             dst_ip: str | None = None) -> tuple[str, ...] | None:
    """The links of the first interface pair of ``src`` and ``dst`` (restricted to the given
    IP addresses, in interface order) that reaches each other; None if none."""
    for ip_a, a in _ends(src):
        if src_ip and ip_a != src_ip:
            continue
        for ip_b, b in _ends(dst):
            if dst_ip and ip_b != dst_ip:
                continue
            path = _route(a, b)
            if path is not None:
                return path
    return None


def connected(srcs, dsts, src_ip: str | None = None, dst_ip: str | None = None):
    """The (source VIOS, destination VIOS, path) pairs that reach each other, in the order of
    the two lists (the first is the one the HMC tries first)."""
    out = []
    for s in srcs:
        for d in dsts:
            path = msp_path(s, d, src_ip, dst_ip)
            if path is not None:
                out.append((s, d, path))
    return out


__all__ = ["connected", "msp_path", "route"]
