"""The network layer as things change under running flows: capacity changes, link failures
and restores, cancels, background traffic, and the link-usage records, with end times and
samples computed by hand."""

from __future__ import annotations

import math

import pytest

from netkit import close, finish_log, make

from lpmsim.network import Flow, LinkDown, LinkSample, LinkSpec




# -- capacity changes ---------------------------------------------------------------------

def test_set_capacity_mid_flow_changes_the_end_exactly() -> None:
    env, net = make(LinkSpec("a", 200.0, efficiency=0.5))
    flow = net.transfer(["a"], 1000)

    def degrade():
        yield env.timeout(4)  # 400 sent at 100
        net.set_capacity("a", 100.0)  # usable 50: 600 left takes 12 s
        assert net.capacity("a") == 50.0 and flow.rate == 50.0
        yield env.timeout(2)  # 100 more sent, 500 left
        net.set_capacity("a", 1000.0)  # usable 500: 1 s more
        assert close(flow.remaining, 500)

    env.process(degrade())
    env.run()
    assert close(flow.ended, 7.0)


# -- failures and cancels -----------------------------------------------------------------

def test_fail_makes_done_fail_with_link_down_and_restore_lets_new_transfers_through() -> None:
    env, net = make(LinkSpec("msp", 100.0), LinkSpec("uplink", 100.0))
    log: list[tuple] = []

    def mover():
        flow = net.transfer(["msp", "uplink"], 1000)
        try:
            yield flow.done
        except LinkDown as down:
            log.append(("down", env.now, down.link, down.cause, flow.sent, flow.active))
        retry = net.transfer(["msp", "uplink"], 100)
        try:
            yield retry.done
        except LinkDown as down:
            log.append(("refused", env.now, down.link))
        yield env.timeout(5)  # restored at 8
        flow = net.transfer(["msp", "uplink"], 200)
        yield flow.done
        log.append(("sent", env.now))

    others: list[Flow] = []

    def other():
        flow = net.transfer(["msp"], 1000)
        others.append(flow)
        yield env.timeout(4)
        assert flow.rate == 100.0  # the failed flow's share came back
        assert net.capacity("uplink") == 0.0 and not net.is_up("uplink")

    def operator():
        yield env.timeout(3)
        net.fail("uplink", cause="cable pulled")
        yield env.timeout(5)
        net.restore("uplink")

    env.process(mover())
    env.process(other())
    env.process(operator())
    env.run()
    assert log[0] == ("down", 3, "uplink", "cable pulled", 150.0, False)
    assert log[1] == ("refused", 3, "uplink")
    # other: 150 sent by 3, then alone on msp at 100 B/s: 350 left at 8. The new flow shares
    # msp with it at 50 B/s each: its 200 bytes end at 12; other's last 150 at 100 B/s: 13.5.
    assert log[2][0] == "sent" and close(log[2][1], 12.0)
    assert close(others[0].ended, 13.5)
    assert str(LinkDown("uplink", "cable pulled")) == "link 'uplink' is down: cable pulled"


def test_cancel_frees_bandwidth_and_done_never_fires() -> None:
    env, net = make(LinkSpec("a", 100.0))
    a = net.transfer(["a"], 1000)
    b = net.transfer(["a"], 1000)

    def stop():
        yield env.timeout(2)  # 100 sent each
        b.cancel()
        assert a.rate == 100.0 and b.rate == 0.0 and not b.active
        assert close(b.sent, 100) and b.ended == 2

    env.process(stop())
    env.run()
    assert close(a.ended, 11.0)
    assert not b.done.triggered
    b.cancel()  # no-op once off the network


# -- background traffic -------------------------------------------------------------------

def test_background_takes_its_share_and_ends_at_until() -> None:
    env, net = make(LinkSpec("a", 100.0))
    noise = net.background("a", 30.0, until=10.0)
    flow = net.transfer(["a"], 1000)
    assert noise.rate == 30.0 and flow.rate == 70.0
    assert noise.remaining == math.inf
    log = finish_log(env, {"noise": noise, "flow": flow})
    # 700 sent by 10, then 300 at 100 B/s.
    assert log[0] == ("noise", 10.0) and close(log[1][1], 13.0)
    assert close(noise.sent, 300.0) and not noise.active


def test_greedy_background_gets_only_its_fair_share() -> None:
    env, net = make(LinkSpec("a", 100.0))
    noise = net.background("a", 80.0)
    flow = net.transfer(["a"], 500)
    assert noise.rate == 50.0 and flow.rate == 50.0
    env.run(until=100)
    assert close(flow.ended, 10.0) and noise.rate == 80.0 and noise.active
    noise.cancel()
    env.run()
    assert not noise.done.triggered


def test_background_pauses_while_its_link_is_down() -> None:
    env, net = make(LinkSpec("a", 100.0))
    noise = net.background("a", 10.0)

    def outage():
        yield env.timeout(5)
        net.fail("a")
        assert noise.rate == 0.0 and noise.active
        yield env.timeout(5)
        net.restore("a")
        assert noise.rate == 10.0

    env.process(outage())
    env.run(until=20)
    assert close(noise.sent, 150.0)


# -- records ------------------------------------------------------------------------------

def test_samples_are_a_step_function_of_link_use() -> None:
    samples: list[LinkSample] = []
    env, net = make(LinkSpec("a", 100.0), LinkSpec("b", 50.0), samples=samples)
    net.transfer(["a"], 1000)
    net.transfer(["a"], 600)
    env.run()
    assert samples == [
        LinkSample(0, "a", 0.0, 100.0, 0),
        LinkSample(0, "b", 0.0, 50.0, 0),
        LinkSample(0, "a", 100.0, 100.0, 2),
        LinkSample(12.0, "a", 100.0, 100.0, 1),
        LinkSample(16.0, "a", 0.0, 100.0, 0),
    ]


def test_samples_skip_links_that_did_not_change() -> None:
    samples: list[LinkSample] = []
    env, net = make(LinkSpec("a", 100.0), LinkSpec("b", 50.0), samples=samples)

    def chain():  # back-to-back transfers keep link a's allocation unchanged
        for _ in range(5):
            yield net.transfer(["a"], 100).done

    def blip():
        yield env.timeout(2)
        yield net.transfer(["b"], 50).done
        net.set_capacity("b", 50.0)  # same capacity: nothing to record

    env.process(chain())
    env.process(blip())
    env.run()
    assert [(s.time, s.link, s.rate, s.flows) for s in samples[2:]] == [
        (0, "a", 100.0, 1), (2, "b", 50.0, 1), (3, "b", 0.0, 0), (5, "a", 0.0, 0)]


def test_samples_record_failures_and_capacity_changes() -> None:
    samples: list[LinkSample] = []
    env, net = make(LinkSpec("a", 100.0), samples=samples)
    flow = net.transfer(["a"], 1000)
    flow.done.defused = True  # nobody waits for it

    def operator():
        yield env.timeout(1)
        net.set_capacity("a", 40.0)
        yield env.timeout(1)
        net.fail("a")
        yield env.timeout(1)
        net.restore("a")

    env.process(operator())
    env.run()
    assert [(s.time, s.rate, s.capacity, s.flows) for s in samples] == [
        (0, 0.0, 100.0, 0), (0, 100.0, 100.0, 1), (1, 40.0, 40.0, 1), (2, 0.0, 0.0, 0),
        (3, 0.0, 40.0, 0)]


def test_rates_stay_right_after_very_many_distinct_caps() -> None:
    # More distinct (path, cap) classes than the network numbers (65536) before it starts over;
    # the second loop crosses the point where it did (cap 65534), to catch stale numbers.
    env, net = make(LinkSpec("a", 100.0))
    a = net.transfer(["a"], 1e9)
    b = net.transfer(["a"], 1e9, cap=30)
    assert (a.rate, b.rate) == (70.0, 30.0)
    caps = [5 + i * 1e-6 for i in range(70_000)]
    for cap in caps:
        a.set_cap(cap)
    for cap in caps[65_000:66_000]:
        a.set_cap(cap)
        assert a.rate == cap and b.rate == 30.0


def test_links_are_full_duplex_opposite_migrations_do_not_share():
    """Issue 13: two 64 GiB partitions migrating in opposite directions over one 10 GbE link
    took 111 s each (half duplex) against 55.7 s alone. Each direction has its own capacity."""
    from builders import lone

    from lpmsim import scenario_from_dict, simulate

    def run(both: bool):
        raw = lone(memory="64 GiB", bandwidth="10 Gbps", efficiency=1.0)
        if both:
            raw["partitions"].append({"name": "q", "system": "B", "memory": "64 GiB",
                                      "workload": {"kind": "idle"}})
            raw["migrations"].append({"partition": "q", "destination": "A",
                                      "policy": "powervm"})
        return simulate(scenario_from_dict(raw)).migrations.set_index("migration")

    alone, both = run(False), run(True)
    assert both.loc["p", "total_time_s"] == pytest.approx(alone.loc["p", "total_time_s"], rel=1e-9)
    assert both.loc["q", "total_time_s"] == pytest.approx(alone.loc["p", "total_time_s"], rel=1e-9)
