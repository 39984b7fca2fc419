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
from collections.abc import Hashable, Mapping, Sequence

__all__ = ["max_min", "water_fill"]


def max_min(paths: Sequence[Sequence[Hashable]], caps: Sequence[float | None],
            capacity: Mapping[Hashable, float]) -> list[float]:
    """The max-min fair rates of flows: flow ``i`` crosses the links ``paths[i]`` (each counted
    once) and may not exceed ``caps[i]`` bytes/s (None or ``inf`` for no cap); ``capacity`` maps
    each link to its usable capacity in bytes/s. Returns one rate per flow, in bytes/s (``inf``
    for a flow with no link and no cap). Raises KeyError for a link missing from ``capacity``.
    """
    index: dict[Hashable, int] = {}
    links: list[tuple[int, ...]] = []
    for path in paths:
        links.append(tuple(index.setdefault(link, len(index)) for link in dict.fromkeys(path)))
    capacities = [0.0] * len(index)
    for link, i in index.items():
        capacities[i] = float(capacity[link])
    bounds = [math.inf if c is None else float(c) for c in caps]
    return water_fill(links, bounds, capacities, [1] * len(links))


def water_fill(paths: Sequence[Sequence[int]], caps: Sequence[float], capacity: Sequence[float],
               weights: Sequence[int],
               scales: Sequence[Sequence[float] | None] | None = None) -> list[float]:
    """Progressive filling over links numbered ``0 .. len(capacity) - 1``: entry ``i`` stands for
    ``weights[i]`` identical flows that cross the links ``paths[i]`` (no repeats) with cap
    ``caps[i]`` (``inf`` for none). ``scales[i]`` (None: all 1) gives, per link of the path, the
    capacity one byte/s of the flow uses there (an NX unit does ratio raw bytes of work per
    compressed byte sent). Returns the rate of one flow of each entry, in bytes/s.
    """
    n = len(paths)
    rates = [0.0] * n
    frozen = [False] * n
    left = list(capacity)
    count = [0.0] * len(capacity)   # capacity used per unit of rate by the unfrozen flows
    users = [0] * len(capacity)     # unfrozen flows
    members: dict[int, list[int]] = {}
    use: list[Sequence[float]] = []
    for i in range(n):
        given = scales[i] if scales is not None else None
        use.append(given if given is not None else (1.0,) * len(paths[i]))
    for i in range(n):
        w = weights[i]
        for link, a in zip(paths[i], use[i]):
            if users[link]:
                members[link].append(i)
            else:
                members[link] = [i]
            count[link] += w * a
            users[link] += w
    shares = [math.inf] * len(capacity)  # each link's rate left per unit of unfrozen demand
    for link in members:
        shares[link] = left[link] / count[link]
    by_cap = sorted(range(n), key=caps.__getitem__)  # uncapped (inf) last
    capped = n - caps.count(math.inf)  # by_cap[:capped] are the capped entries
    k = 0
    todo = n
    while todo:
        share = min(shares, default=math.inf)
        if share < 0.0:  # rounding left a full link a hair below zero
            share = 0.0
        while k < capped and frozen[by_cap[k]]:
            k += 1
        chosen: Sequence[int]
        if k < capped and caps[by_cap[k]] <= share:
            # A flow capped below every link's share stops at its cap, and freezing it only
            # raises the shares of the others: freeze all such flows together.
            chosen = []
            while k < capped and caps[by_cap[k]] <= share:
                chosen.append(by_cap[k])
                k += 1
        elif share < math.inf:  # the links with the smallest share are full: freeze there
            chosen = [i for link, group in members.items() if shares[link] <= share
                      for i in group]
        else:  # only flows with no link and no cap are left: unbounded
            chosen = range(n)
        for i in chosen:
            if frozen[i]:
                continue
            frozen[i] = True
            rate = rates[i] = share if share < caps[i] else caps[i]
            todo -= 1
            w = weights[i]
            for link, a in zip(paths[i], use[i]):
                left[link] -= rate * w * a
                count[link] -= w * a
                users[link] -= w
                shares[link] = left[link] / count[link] if users[link] else math.inf
    return rates
