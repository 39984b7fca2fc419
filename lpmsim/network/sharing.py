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
from collections.abc import Hashable, Sequence
from typing import Any

__all__ = ["max_min"]


def max_min(paths: Sequence[Sequence[Hashable]], caps: Sequence[float], capacity: Any,
            weights: Sequence[int] | None = None) -> list[float]:
    """The max-min fair rates of flows: flow ``i`` crosses the links ``paths[i]`` (each once)
    and may not exceed ``caps[i]`` (``inf`` for no cap); ``capacity[link]`` is the usable
    capacity of a link in bytes/s (a dict by name, or a list by index). ``weights[i]``, when
    given, says that entry ``i`` stands for that many identical flows. Returns one rate per
    entry, in bytes/s (``inf`` for a flow with no link and no cap).
    """
    n = len(paths)
    if weights is None:
        weights = [1] * n
    rates = [0.0] * n
    frozen = [False] * n
    members: dict[Hashable, list[int]] = {}
    count: dict[Hashable, int] = {}
    for i, links in enumerate(paths):
        w = weights[i]
        for link in links:
            if link in count:
                members[link].append(i)
                count[link] += w
            else:
                members[link] = [i]
                count[link] = w
    left = {link: float(capacity[link]) for link in count}
    by_cap = sorted((c, i) for i, c in enumerate(caps) if c != math.inf)
    k = 0
    todo = n
    while todo:
        share = math.inf
        bottlenecks: list[Hashable] = []
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
            # Freezing a flow at a cap below every link's share only raises the shares, so all
            # such flows stop at their caps: freeze them together.
            chosen = []
            while k < len(by_cap) and by_cap[k][0] <= share:
                chosen.append(by_cap[k][1])
                k += 1
        elif bottlenecks:
            chosen = [i for link in bottlenecks for i in members[link]]
        else:  # only flows with no link and no cap are left: unbounded
            share = math.inf
            chosen = list(range(n))
        for i in chosen:
            if frozen[i]:
                continue
            frozen[i] = True
            rate = rates[i] = min(share, caps[i])
            todo -= 1
            w = weights[i]
            for link in paths[i]:
                left[link] -= rate * w
                c = count[link] - w
                if c:
                    count[link] = c
                else:
                    del count[link]
    return rates
