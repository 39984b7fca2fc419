"""Many migrations at once through the whole simulator: fair sharing, queue order, limits,
MSP pairs, concurrency_lvl, TCP windows, background traffic, evacuations."""

from __future__ import annotations


import pytest
from fleet import fleet, peak, scenario

from lpmsim import scenario_from_dict
from lpmsim.world import simulate

GiB = 2**30


def test_n_equal_flows_each_get_one_nth():
    for n in (1, 2, 4):
        r = simulate(scenario(n=n, memory="1 GiB"))
        m = r.migrations
        assert (m.outcome == "completed").all()
        # n flows of 1 GiB share 1 GB/s: all end together at n GiB / 1 GB/s
        assert m.completed_s.to_numpy() == pytest.approx([n * GiB / 1e9] * n, rel=1e-6)


def test_a_flow_limited_elsewhere_leaves_its_share_to_the_others():
    raw = fleet(n=2, pairs=2, memory="2 GiB")
    raw["vios"][0]["msp_throughput"] = "0.2 GB/s"       # vA1: a slow MSP
    raw["migrations"][0]["source_msp"] = "vA1"
    raw["migrations"][1]["source_msp"] = "vA2"
    m = simulate(scenario_from_dict(raw)).migrations.set_index("migration")
    assert m.loc["p2", "completed_s"] == pytest.approx(2 * GiB / 0.8e9, rel=1e-6)
    # p1 ran at 0.2 GB/s throughout (the link had room for it all along)
    assert m.loc["p1", "completed_s"] == pytest.approx(2 * GiB / 0.2e9, rel=1e-6)


def test_link_samples_never_exceed_capacity_and_end_idle():
    r = simulate(scenario(n=3, memory="512 MiB"))
    links = r.links
    assert (links.rate_Bps <= links.capacity_Bps * (1 + 1e-9)).all()
    last = links.groupby("link").tail(1)
    assert (last.rate_Bps == 0).all() and (last.flows == 0).all()
    net = links[links.link == "net"]
    assert net.rate_Bps.max() == pytest.approx(1e9)
    assert {"msp:vA1", "msp:vB1"} <= set(links.link)  # MSP mover CPU shows as a pseudo-link


def test_queue_is_fifo_and_priority_goes_first():
    raw = fleet(n=4, max_active=1)
    raw["migrations"][2]["priority"] = -1
    m = simulate(scenario_from_dict(raw)).migrations
    order = m.sort_values("admitted_s").migration.tolist()
    # p1 finds a free slot on arrival; among the waiters p3 (priority -1) goes first, then FIFO
    assert order == ["p1", "p3", "p2", "p4"]
    assert m.queue_wait_s.min() == 0 and (m.queue_wait_s >= 0).all()
    assert peak(zip(m.admitted_s, m.released_s)) == 1


@pytest.mark.parametrize("pairs, expected", [(1, 8), (2, 12)])
def test_more_than_eight_at_once_needs_two_vios_pairs(pairs, expected):
    m = simulate(scenario(n=12, pairs=pairs, memory="64 MiB")).migrations
    assert (m.outcome == "completed").all()
    assert peak(zip(m.admitted_s, m.released_s)) == expected
    if pairs == 2:  # least-loaded choice spreads them 6 / 6
        assert sorted(m.src_msp.value_counts().tolist()) == [6, 6]


def test_concurrency_level_sets_slots_and_threads():
    # level 2: 2 slots per MSP; level 5: 2 mover threads, each one processor's rate
    m = simulate(scenario(n=4, level=2, memory="64 MiB")).migrations
    assert peak(zip(m.admitted_s, m.released_s)) == 2
    thread = 0.125 * 1.0e9  # bytes_per_cycle x 1 GHz
    slow = fleet(n=1, level=5, msp=None, bandwidth="10 GB/s", memory="1 GiB",
                 mover={"bytes_per_cycle": 0.125})
    for s in slow["systems"]:
        s["processor_ghz"] = 1.0
    for v in slow["vios"]:
        del v["msp_throughput"]
        v["entitlement"] = 8.0  # room for more threads than the level gives
    m = simulate(scenario_from_dict(slow)).migrations
    assert m.completed_s[0] == pytest.approx(GiB / (2 * thread), rel=1e-6)


def test_a_vios_entitlement_bounds_its_migrations_together():
    """All threads through one MSP share its processors: four migrations at level 4 (6 threads
    each) on a VIOS of 1.5 processors move 1.5 processors' worth in all, max-min fairly."""
    raw = fleet(n=4, level=4, bandwidth="100 GB/s", memory="1 GiB", mover={"bytes_per_cycle": 0.1})
    for s in raw["systems"]:
        s["processor_ghz"] = 2.0
    for v in raw["vios"]:
        del v["msp_throughput"]
        v["entitlement"] = 1.5
    m = simulate(scenario_from_dict(raw)).migrations
    total = 1.5 * 0.1 * 2.0e9
    assert m.completed_s.to_numpy() == pytest.approx([4 * GiB / total] * 4, rel=1e-6)


def test_tcp_window_bounds_a_migration_on_a_long_path():
    # 5 ms one way -> RTT 10 ms; level 5 = 2 streams of 256 KiB: 2 * 262144 / 0.01 B/s
    s = scenario(n=1, latency="5 ms", bandwidth="10 GB/s", level=5, memory="256 MiB")
    rate = 2 * 262144 / 0.010
    m = simulate(s).migrations
    assert m.precopy_s[0] == pytest.approx(256 * 2**20 / rate, rel=1e-3)


def test_background_traffic_takes_its_max_min_share():
    s = scenario(n=1, memory="1 GiB", background=[{"link": "net", "rate": "10 GB/s"}])
    assert simulate(s).migrations.completed_s[0] == pytest.approx(GiB / 0.5e9, rel=1e-6)
    s = scenario(n=1, memory="1 GiB", background=[{"link": "net", "rate": "0.2 GB/s"}])
    assert simulate(s).migrations.completed_s[0] == pytest.approx(GiB / 0.8e9, rel=1e-6)


def test_redundant_msp_pairs_stream_up_to_twice_as_fast():
    one = scenario(n=1, pairs=2, shared_link=False, memory="1 GiB")
    raw = fleet(n=1, pairs=2, shared_link=False, memory="1 GiB")
    raw["migrations"][0]["redundant_msps"] = 2
    m1 = simulate(one).migrations
    m2 = simulate(scenario_from_dict(raw)).migrations
    assert m2.msp_pairs[0] == "vA1>vB1,vA2>vB2"
    assert m2.completed_s[0] == pytest.approx(m1.completed_s[0] / 2, rel=1e-6)


def test_redundant_required_without_a_second_pair_fails_validation():
    raw = fleet(n=1)
    raw["migrations"][0]["redundant_msps"] = 1
    m = simulate(scenario_from_dict(raw)).migrations
    assert m.outcome[0] == "validation_failed" and "redundant" in m.reason[0]


def test_evacuation_order_default_by_id_and_named_first():
    raw = fleet(n=5, migrations=False, max_active=1,
                evacuations=[{"source": "A", "destination": "B", "order": ["p4"]}])
    raw["partitions"][1]["id"] = 9  # p2 has the highest ID: last by default
    s = scenario_from_dict(raw)
    assert [m.partition for m in s.planned] == ["p4", "p1", "p3", "p5", "p2"]
    m = simulate(s).migrations
    assert m.sort_values("admitted_s").migration.tolist() == ["p4", "p1", "p3", "p5", "p2"]


def test_evacuation_bad_references_are_reported():
    from lpmsim import ScenarioError
    raw = fleet(n=1, migrations=False,
                evacuations=[{"source": "A", "destination": "Z", "order": ["nope"]}])
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(raw)
    text = str(err.value)
    assert "evacuations[0].destination" in text and "'nope'" in text


@pytest.mark.parametrize("sizes", [[256] * 8, [64, 512, 128, 1024, 256, 64, 64, 512]])
def test_a_second_vios_pair_is_never_slower(sizes):
    def run(pairs):
        raw = fleet(n=len(sizes), pairs=pairs, shared_link=False, ops=2, migrations=False,
                    workload={"kind": "uniform", "rate": "2000 pages/s", "working_set": "20%"},
                    evacuations=[{"source": "A", "destination": "B"}])
        for p, size in zip(raw["partitions"], sizes):
            p["memory"] = f"{size} MiB"
        return simulate(scenario_from_dict(raw))
    one, two = run(1), run(2)
    assert (two.migrations.outcome == "completed").all()
    assert two.makespan <= one.makespan + 1e-9
    assert two.migrations.queue_wait_s.sum() <= one.migrations.queue_wait_s.sum() + 1e-9
