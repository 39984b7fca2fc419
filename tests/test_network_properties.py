"""Properties of the fluid network over random sets of flows (Hypothesis): no link is ever
allocated above its capacity, every allocation is max-min fair, every byte is delivered once, the
link records integrate to the bytes carried, and the completion times agree with an independent
reference simulator that uses exact rational arithmetic."""

from __future__ import annotations

import math
from fractions import Fraction

import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from lpmsim.network import Flow, LinkSample, LinkSpec, Network

REL = 1e-9
FlowSpec = tuple[tuple[int, ...], int, "int | None", int]  # link indices, size, cap, start


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[int], list[FlowSpec]]:
    """Integer link capacities and flows (link indices, size, cap or None, start time)."""
    capacities = draw(st.lists(st.integers(1, 1000), min_size=1, max_size=4))
    link = st.integers(0, len(capacities) - 1)
    flow = st.tuples(
        st.lists(link, min_size=1, max_size=3).map(lambda p: tuple(dict.fromkeys(p))),
        st.integers(1, 10_000),
        st.one_of(st.none(), st.integers(1, 500)),
        st.integers(0, 30),
    )
    return capacities, draw(st.lists(flow, min_size=1, max_size=12))


def check_allocation(net: Network) -> None:
    """No link above capacity; each flow at its cap or with a top rate on a saturated link."""
    flows = net.flows
    load: dict[str, float] = {}
    for f in flows:
        for name in dict.fromkeys(f.path):
            load[name] = load.get(name, 0.0) + f.rate
    for name, total in load.items():
        assert total <= net.capacity(name) * (1 + REL) + 1e-12
    for f in flows:
        if f.cap is not None and f.rate >= f.cap * (1 - REL):
            continue
        assert any(
            load[name] >= net.capacity(name) * (1 - REL)
            and all(f.rate >= g.rate * (1 - REL) for g in flows if name in g.path)
            for name in f.path
        ), f"{f} is neither capped nor bottlenecked"


def reference(capacities: list[int], flows: list[FlowSpec]
              ) -> list[Fraction]:
    """Completion times of the flows by an exact fluid simulation with max-min rates."""
    left = {i: Fraction(size) for i, (_, size, _, _) in enumerate(flows)}
    end: dict[int, Fraction] = {}
    now = Fraction(0)
    while len(end) < len(flows):
        active = [i for i in range(len(flows)) if flows[i][3] <= now and i not in end]
        rate = dict(zip(active, reference_rates(capacities, [flows[i] for i in active])))
        upcoming = [Fraction(f[3]) for f in flows if f[3] > now]
        later = min(upcoming + [now + left[i] / rate[i] for i in active])
        for i in active:
            left[i] -= rate[i] * (later - now)
            if left[i] == 0:
                end[i] = later
        now = later
    return [end[i] for i in range(len(flows))]


def reference_rates(capacities: list[int],
                    flows: list[FlowSpec]) -> list[Fraction]:
    """Max-min rates by raising a common level to the next link or cap that binds."""
    rate: dict[int, Fraction] = {}
    room = {link: Fraction(c) for link, c in enumerate(capacities)}
    while len(rate) < len(flows):
        free = [i for i in range(len(flows)) if i not in rate]
        users = {link: [i for i in free if link in flows[i][0]] for link in room}
        levels = [room[link] / len(u) for link, u in users.items() if u]
        levels += [Fraction(flows[i][2]) for i in free if flows[i][2] is not None]
        level = min(levels)
        for i in free:
            capped = flows[i][2] is not None and flows[i][2] == level
            full = any(room[link] / len(users[link]) == level for link in flows[i][0])
            if capped or full:
                rate[i] = level
        for i in free:
            if i in rate:
                for link in flows[i][0]:
                    room[link] -= rate[i]
    return [rate[i] for i in range(len(flows))]


def integrate(samples: list[LinkSample], name: str) -> float:
    """Bytes carried by link ``name``: the area under its rate step function."""
    steps = [s for s in samples if s.link == name]
    return sum(a.rate * (b.time - a.time) for a, b in zip(steps, steps[1:]))


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_random_flows_are_fair_complete_and_exact(scenario) -> None:
    capacities, specs = scenario
    names = [f"l{i}" for i in range(len(capacities))]
    env = simpy.Environment()
    samples: list[LinkSample] = []
    net = Network(env, [LinkSpec(n, float(c)) for n, c in zip(names, capacities)], samples)
    made: dict[int, Flow] = {}

    def sender(i: int, path: tuple[int, ...], size: int, cap: int | None, start: int):
        yield env.timeout(start)
        flow = made[i] = net.transfer([names[k] for k in path], size, cap=cap, owner=i)
        check_allocation(net)
        value = yield flow.done
        assert value is flow and flow.owner == i
        check_allocation(net)

    for i, spec in enumerate(specs):
        env.process(sender(i, *spec))
    env.run()

    flows = [made[i] for i in range(len(specs))]
    assert net.flows == ()
    assert all(f.sent == f.size and f.remaining == 0 for f in flows)
    assert sum(f.sent for f in flows) == sum(size for _, size, _, _ in specs)
    for s in samples:
        assert s.rate <= s.capacity * (1 + REL) + 1e-12
    for name in names:
        states = [(s.rate, s.capacity, s.flows) for s in samples if s.link == name]
        assert all(a != b for a, b in zip(states, states[1:])), "duplicate sample"
        carried = sum(f.size for f in flows if name in f.path)
        assert math.isclose(integrate(samples, name), carried, rel_tol=1e-6, abs_tol=1e-6)
    for flow, exact in zip(flows, reference(capacities, specs)):
        assert math.isclose(flow.ended, float(exact), rel_tol=1e-9, abs_tol=1e-9)
