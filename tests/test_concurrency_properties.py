"""Hypothesis: over random arrival patterns and limits, no limit is ever exceeded (counted from
the results frames), nothing deadlocks, and queue waits are never negative."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from fleet import fleet, peak

from lpmsim import scenario_from_dict
from lpmsim.world import simulate

MAX_OPS = (1, 2, 4, 8, 8)  # the default concurrency-level table


@st.composite
def worlds(draw):
    n = draw(st.integers(1, 14))
    pairs = draw(st.integers(1, 2))
    raw = fleet(n=n, pairs=pairs, memory="32 MiB", shared_link=draw(st.booleans()),
                max_active=draw(st.integers(1, 6)), ops=draw(st.integers(1, 3)),
                level=draw(st.integers(1, 5)), migrations=False)
    raw["systems"].append({"name": "C", "memory": "4 TiB",
                           "max_active_migrations": draw(st.integers(1, 6))})
    raw["vios"].append({"name": "vC1", "system": "C", "links": [raw["links"][0]["name"]],
                        "cfg_msp_lpm_ops": draw(st.integers(1, 8))})
    moves = []
    for p in raw["partitions"]:
        p["system"] = draw(st.sampled_from(["A", "B"]))
        dest = draw(st.sampled_from([s for s in "ABC" if s != p["system"]]))
        moves.append({"partition": p["name"], "destination": dest,
                      "start": draw(st.floats(0, 0.3)), "priority": draw(st.integers(0, 2)),
                      "redundant_msps": draw(st.sampled_from([0, 0, 2]))})
    raw["migrations"] = moves
    return scenario_from_dict(raw)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_limits_are_never_exceeded(scenario):
    r = simulate(scenario)
    m = r.migrations
    assert (m.outcome == "completed").all(), m[["migration", "outcome", "reason"]]
    assert (m.queue_wait_s >= 0).all()
    assert (m.admitted_s <= m.released_s).all()
    for s in scenario.systems:
        mine = m[(m.source == s.name) | (m.destination == s.name)]
        assert peak(zip(mine.admitted_s, mine.released_s)) <= s.max_active_migrations
    for v in scenario.vios:
        uses = m[m.msp_pairs.str.split(r"[>,]").apply(lambda names: v.name in names)]
        limit = min(v.cfg_msp_lpm_ops, MAX_OPS[v.concurrency_lvl - 1])
        assert peak(zip(uses.admitted_s, uses.released_s)) <= limit
    # the events frame tells the same story: one "admitted" per migration, with its pairs
    admitted = r.events[r.events.event == "admitted"]
    assert sorted(admitted.detail) == sorted(m.msp_pairs)
