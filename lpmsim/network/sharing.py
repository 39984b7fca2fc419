"""Max-min fair sharing of link capacity by progressive filling (water-filling).

Picture water poured at the same speed into every flow's glass: all rates rise together until a
link fills up (its capacity is exhausted) or a flow reaches its own cap (an MSP that cannot
process pages faster, a TCP window). The flows stopped by that link or cap are frozen at their
rate; the others keep rising on what capacity is left. The result is the max-min fair
allocation: no flow can get more without taking from a flow that has no more than it.

This fluid model is the one SimGrid uses for its network (its LV08 "fluid" model: flows share
links with max-min fairness); it is exact between events, since rates only change when a flow
starts or ends, or a link or cap changes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

__all__ = ["max_min"]


def max_min(paths: Sequence[Sequence[str]], caps: Sequence[float],
            capacity: Mapping[str, float]) -> list[float]:
    """The max-min fair rates of flows: flow ``i`` crosses the links ``paths[i]`` (each once,
    at least one) and may not exceed ``caps[i]`` (``inf`` for no cap); ``capacity`` maps every
    link to its usable capacity in bytes/s. Returns one rate per flow, in bytes/s.
    """
    n = len(paths)
    rates = [0.0] * n
    frozen = [False] * n
    members: dict[str, list[int]] = {}
    for i, links in enumerate(paths):
        for link in links:
            if link in members:
                members[link].append(i)
            else:
                members[link] = [i]
    left = {link: float(capacity[link]) for link in members}
    count = {link: len(flows) for link, flows in members.items()}
    by_cap = sorted((c, i) for i, c in enumerate(caps) if c != math.inf)
    k = 0
    todo = n

    def freeze(i: int, rate: float) -> None:
        rates[i] = rate
        frozen[i] = True
        for link in paths[i]:
            left[link] -= rate
            count[link] -= 1
            if not count[link]:
                del count[link]

    while todo:
        share = math.inf
        bottlenecks: list[str] = []
        for link, c in count.items():
            s = left[link] / c
            if s < share:
                share, bottlenecks = s, [link]
            elif s == share:
                bottlenecks.append(link)
        share = max(share, 0.0)
        while k < len(by_cap) and frozen[by_cap[k][1]]:
            k += 1
        if k < len(by_cap) and by_cap[k][0] <= share:
            cap = by_cap[k][0]
            while k < len(by_cap) and by_cap[k][0] == cap:
                i = by_cap[k][1]
                k += 1
                if not frozen[i]:
                    freeze(i, cap)
                    todo -= 1
        elif not bottlenecks:  # only flows with no link and no cap are left: unbounded
            for i in range(n):
                if not frozen[i]:
                    rates[i] = math.inf
            break
        else:
            for link in bottlenecks:
                for i in members[link]:
                    if not frozen[i]:
                        freeze(i, share)
                        todo -= 1
    return rates
