"""Faults and recovery through the whole simulator: each leaves the state the rules say.

Before resume: aborted, VASI ABORTED with the entity, partition on the source (the ledger has no
destination shell), page counters intact (audit). With a redundant pair: failover, completed,
slower, every page verified. After resume: "lost", never a success."""

from __future__ import annotations

import pytest
from fleet import fleet

from lpmsim import ScenarioError, scenario_from_dict
from lpmsim.world import simulate

HOT = {"kind": "hotcold", "rate": "20000 pages/s", "working_set": "50%", "hot_set": "10%",
       "hot_share": 0.9, "read_rate": "20000 pages/s"}


def run(faults, *, n=1, audit=True, **kw):
    raw = fleet(n=n, memory=kw.pop("memory", "1 GiB"), workload=kw.pop("workload", HOT),
                faults=faults, **kw)
    return simulate(scenario_from_dict(raw), audit=audit)


def clean_destination(result, partition="p1", source="A"):
    final = result.inventories["final"]
    assert final.shell(partition) is None
    assert final.partition(partition).system == source


def events(result, mig="p1"):
    e = result.events
    return e[e.migration == mig].event.tolist()


def test_link_down_before_suspend_aborts_and_leaves_the_partition_on_the_source():
    r = run([{"kind": "link_down", "link": "net", "migration": "p1", "phase": "precopy",
              "after": "0.3 s", "duration": "5 s"}])
    m = r.migrations.iloc[0]
    assert m.outcome == "aborted" and m.abort_entity == "VSP_SOURCE"
    assert "link 'net' is down" in m.reason
    assert "ABORTED" in events(r) and "SUSPENDED" not in events(r)
    assert m.end_s == pytest.approx(0.3)
    clean_destination(r)


def test_msp_failure_without_a_second_pair_aborts_with_the_target_entity():
    r = run([{"kind": "msp_failure", "vios": "vB1", "migration": "p1", "phase": "precopy",
              "after": "0.2 s"}])
    m = r.migrations.iloc[0]
    assert (m.outcome, m.abort_entity) == ("aborted", "VSP_TARGET")
    clean_destination(r)


def test_msp_failure_with_a_redundant_pair_fails_over_and_completes_slower():
    def go(faults):
        raw = fleet(n=1, pairs=2, shared_link=False, memory="1 GiB", workload=HOT, faults=faults)
        raw["migrations"][0]["redundant_msps"] = 1
        return simulate(scenario_from_dict(raw), audit=True)  # audit: every page verified
    base = go([])
    r = go([{"kind": "msp_failure", "vios": "vA2", "migration": "p1", "phase": "precopy",
             "after": "0.2 s"}])
    m = r.migrations.iloc[0]
    assert m.outcome == "completed" and m.failovers == 1 and m.resent_bytes > 0
    assert "FAILOVER" in events(r)
    assert m.completed_s > base.migrations.completed_s[0]
    assert r.inventories["final"].partition("p1").system == "B"


def test_the_os_refusing_to_suspend_five_times_cancels():
    r = run([{"kind": "suspend_refused", "migration": "p1"}])
    m = r.migrations.iloc[0]
    assert (m.outcome, m.abort_entity) == ("aborted", "MIGRATING_PARTITION")
    ev = events(r)
    assert ev.count("suspend_refused") == 5 and "CANCEL" in ev and "SUSPENDED" not in ev
    e = r.events[r.events.event == "suspend_refused"].time_s.diff().dropna().tolist()
    assert e == pytest.approx([0.001, 0.010, 0.100, 1.0])
    clean_destination(r)


def test_a_suspend_refused_three_times_succeeds_later():
    base = run([]).migrations.iloc[0]
    m = run([{"kind": "suspend_refused", "migration": "p1", "refusals": 3}]).migrations.iloc[0]
    assert m.outcome == "completed"
    assert m.suspend_s - base.suspend_s == pytest.approx(0.111, abs=0.01)


def test_destination_memory_lost_before_prepare_aborts():
    r = run([{"kind": "memory_loss", "system": "B", "memory": "4096 GiB", "at": "0 s"}])
    m = r.migrations.iloc[0]
    assert (m.outcome, m.abort_entity) == ("aborted", "PLATFORM_FIRMWARE")
    assert "cannot hold the shell partition" in m.reason
    clean_destination(r)


def test_user_stop_then_recover():
    r = run([{"kind": "stop", "migration": "p1", "phase": "precopy", "after": "0.2 s",
              "recover_after": "30 s"}])
    m = r.migrations.iloc[0]
    assert (m.outcome, m.abort_entity) == ("aborted", "ORCHESTRATOR")
    e = r.events[r.events.event == "migrlpar"]
    assert e.detail.tolist()[-2:] == ["-o s", "-o r"]
    assert e.time_s.iloc[-1] - e.time_s.iloc[-2] == pytest.approx(30)
    assert m.released_s == pytest.approx(m.end_s)  # the HMC holds the slots until -o r
    clean_destination(r)


def test_user_stop_without_recover_is_reported_as_stopped():
    r = run([{"kind": "stop", "migration": "p1", "phase": "prepare", "recover": False}])
    assert r.migrations.outcome[0] == "stopped"
    assert "not recovered" in r.migrations.reason[0]


def test_a_stop_after_the_suspend_is_refused():
    r = run([{"kind": "stop", "migration": "p1", "phase": "resume"}])
    assert r.migrations.outcome[0] == "completed"
    assert "stop_refused" in events(r)


def test_losing_the_path_after_resume_loses_the_partition():
    r = run([{"kind": "link_down", "link": "net", "migration": "p1", "phase": "postcopy"}])
    m = r.migrations.iloc[0]
    assert m.outcome == "lost" and "pages were still on A" in m.reason
    assert "partition_lost" in events(r) and "COMPLETED" not in events(r)


def test_a_degraded_link_slows_but_completes():
    base = run([]).migrations.iloc[0]
    m = run([{"kind": "link_degraded", "link": "net", "bandwidth": "0.25 GB/s", "at": "0.1 s",
              "duration": "2 s"}]).migrations.iloc[0]
    assert m.outcome == "completed" and m.completed_s > base.completed_s


def test_a_link_down_for_a_while_aborts_the_running_one_only():
    raw = fleet(n=2, memory="1 GiB", workload=HOT,
                faults=[{"kind": "link_down", "link": "net", "at": "0.2 s", "duration": "1 s"}])
    raw["migrations"][1]["start"] = "2 s"
    m = simulate(scenario_from_dict(raw), audit=True).migrations.set_index("migration")
    assert m.loc["p1", "outcome"] == "aborted" and m.loc["p2", "outcome"] == "completed"


def test_fault_references_are_checked():
    raw = fleet(n=1, faults=[{"kind": "link_down", "link": "nolink", "at": "1 s"},
                             {"kind": "stop", "migration": "p9", "at": "1 s"}])
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(raw)
    text = str(err.value)
    assert "faults[0].link: no link named 'nolink'" in text and "faults[1].migration" in text
    raw = fleet(n=1, faults=[{"kind": "msp_failure", "vios": "vA1"}, {"kind": "meteor", "at": 1}])
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(raw)
    assert "faults[0]" in str(err.value) and "at = <time>" in str(err.value)
    assert "faults[1]" in str(err.value)
