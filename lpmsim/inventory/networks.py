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
    common = [name for name in a.links if name in b.links]
    if not common:
        return None
    meet = common[0]
    head = list(a.links[:a.links.index(meet) + 1])
    tail = [name for name in reversed(b.links[:b.links.index(meet)]) if name not in head]
    return tuple(head + tail)


def routes(src: Vios, dst: Vios, src_ip: str | None = None,
           dst_ip: str | None = None) -> list[tuple[Interface, Interface, tuple[str, ...]]]:
    """Every interface pair of ``src`` and ``dst`` with a route (restricted to the given IP
    addresses), in interface order."""
    out = []
    for a in src.lpm_interfaces():
        if src_ip and a.ip != src_ip:
            continue
        for b in dst.lpm_interfaces():
            if dst_ip and b.ip != dst_ip:
                continue
            path = route(a, b)
            if path is not None:
                out.append((a, b, path))
    return out


def msp_path(src: Vios, dst: Vios, src_ip: str | None = None,
             dst_ip: str | None = None) -> tuple[str, ...] | None:
    """The links of the first route from ``src`` to ``dst``, None if none."""
    found = routes(src, dst, src_ip, dst_ip)
    return found[0][2] if found else None


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


__all__ = ["connected", "msp_path", "route", "routes"]
