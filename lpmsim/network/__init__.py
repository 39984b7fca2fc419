"""The network layer: links that carry memory pages between mover service partitions.

Picture pipes between the source and destination MSPs (adapters, switches, bonded uplinks) with
the page streams of concurrent migrations poured through them as a fluid. Each flow gets its
max-min fair share of the links it crosses, bounded by its own cap (MSP CPU, TCP window); rates
change only at events, so completion times are exact. This fluid max-min model is the one
SimGrid uses for its network (its LV08 "fluid" model: flows share links with max-min fairness).

    net = Network(env, [LinkSpec("msp0", 1.25e9, latency=50e-6, efficiency=0.94)])
    flow = net.transfer(["msp0"], 64 * 2**20, cap=tcp_cap(4 * 2**20, net.rtt(["msp0"]), 2))
    yield flow.done            # fails with LinkDown if the link goes down first
"""

from __future__ import annotations

from lpmsim.network.flow import Flow
from lpmsim.network.links import LinkDown, LinkSample, LinkSpec, tcp_cap
from lpmsim.network.network import Network
from lpmsim.network.sharing import max_min, water_fill

__all__ = ["Network", "LinkSpec", "Flow", "LinkDown", "LinkSample", "tcp_cap", "max_min",
           "water_fill"]
