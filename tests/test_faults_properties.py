"""Hypothesis: a link failure at any moment of a migration gives the outcome its moment calls
for, with every page audited, and an abort leaves no destination leftovers."""

from __future__ import annotations

import functools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from fleet import fleet

from lpmsim import scenario_from_dict
from lpmsim.world import simulate

HOT = {"kind": "hotcold", "rate": "30000 pages/s", "working_set": "50%", "hot_set": "10%",
       "hot_share": 0.9, "read_rate": "30000 pages/s"}


def world(faults=(), kind="link_down"):
    raw = fleet(n=1, memory="512 MiB", workload=HOT, overheads=True, faults=list(faults))
    return simulate(scenario_from_dict(raw), audit=True)


@functools.cache
def base():
    return world().migrations.iloc[0]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.floats(0.0, 1.2), st.sampled_from(["link_down", "msp_failure"]))
def test_a_failure_at_any_time_gives_the_outcome_its_moment_calls_for(frac, kind):
    b = base()
    t = b.start_s + frac * (b.completed_s - b.start_s)
    fault = ({"kind": "link_down", "link": "net", "at": t} if kind == "link_down"
             else {"kind": "msp_failure", "vios": "vA1", "at": t})
    r = world([fault])
    m = r.migrations.iloc[0]
    if t < b.suspend_s:  # validation fails when the MSP is down before step 3 ends
        assert m.outcome in ("aborted", "validation_failed")
    elif t > b.completed_s:
        assert m.outcome == "completed"
    elif t > b.resume_s:
        assert m.outcome in ("lost", "completed")  # completed only if nothing was left to send
    else:
        assert m.outcome in ("aborted", "lost", "completed")
    if m.outcome in ("aborted", "validation_failed"):
        assert r.inventories["final"].shell("p1") is None
        assert r.inventories["final"].partition("p1").system == "A"
        assert m.abort_entity in ("VSP_SOURCE", None)
    if m.outcome == "lost":
        assert "COMPLETED" not in r.events.event.tolist()
    if m.outcome == "completed":  # audit=True has verified every page at COMPLETED
        assert r.inventories["final"].partition("p1").system == "B"
