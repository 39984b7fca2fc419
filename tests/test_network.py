"""The network layer against closed forms computed by hand: fair shares and exact completion
times on one link and on multi-link paths, caps, efficiency and aggregation, latency, TCP
window limits, robustness to rounding, and bad arguments. Changes under running flows are in
test_network_changes.py, random-flow properties in test_network_properties.py."""

from __future__ import annotations

import math

import pytest
import simpy

from netkit import close, finish_log, make

from lpmsim.network import LinkSpec, Network, max_min, tcp_cap




# -- closed forms -------------------------------------------------------------------------

def test_lone_flow_takes_size_over_bandwidth() -> None:
    env, net = make(LinkSpec("a", 1.25e9))
    size, t0 = 3.7e9, 2.5
    seen = []

    def sender():
        yield env.timeout(t0)
        flow = net.transfer(["a"], size)
        assert flow.rate == 1.25e9
        yield flow.done
        seen.append((env.now, flow.sent, flow.remaining))

    env.process(sender())
    env.run()
    (end, sent, remaining), = seen
    assert abs(end - (t0 + size / 1.25e9)) / (size / 1.25e9) < 1e-9
    assert sent == size and remaining == 0


def test_two_flows_share_then_the_survivor_speeds_up() -> None:
    env, net = make(LinkSpec("a", 100.0))
    a = net.transfer(["a"], 1000)
    b = net.transfer(["a"], 600)
    assert (a.rate, b.rate) == (50.0, 50.0)
    env.run(until=6)
    assert close(a.remaining, 700) and close(b.remaining, 300)
    # b ends at 600/50 = 12; a has 1000-600 = 400 left at 100 B/s: ends at 16.
    log = finish_log(env, {"a": a, "b": b})
    assert [name for name, _ in log] == ["b", "a"]
    assert close(log[0][1], 12.0) and close(log[1][1], 16.0)
    assert a.ended == log[1][1] and b.ended == log[0][1]


def test_late_arrival_takes_half() -> None:
    env, net = make(LinkSpec("a", 100.0))
    a = net.transfer(["a"], 1000)
    flows = {"a": a}

    def late():
        yield env.timeout(4)  # a has 600 left
        flows["b"] = b = net.transfer(["a"], 200)
        assert b.rate == 50.0 and a.rate == 50.0
        yield b.done  # 200 / 50 = 4 s: t = 8, a has 400 left: t = 12
        assert close(env.now, 8.0) and close(a.remaining, 400)

    env.process(late())
    env.run()
    assert close(a.ended, 12.0) and close(flows["b"].ended, 8.0)


@pytest.mark.parametrize("n", [1, 3, 7, 16])
def test_n_equal_flows_get_one_nth_each(n: int) -> None:
    env, net = make(LinkSpec("a", 1e9))
    flows = [net.transfer(["a"], 5e8) for _ in range(n)]
    assert all(close(f.rate, 1e9 / n) for f in flows)
    env.run()
    assert all(close(f.ended, n * 0.5) for f in flows)


def test_capped_flow_leaves_its_share_to_the_others() -> None:
    env, net = make(LinkSpec("a", 100.0))
    slow = net.transfer(["a"], 1000, cap=10)
    fast = [net.transfer(["a"], 900) for _ in range(2)]
    assert slow.rate == 10.0
    assert [f.rate for f in fast] == [45.0, 45.0]
    # Both fast flows end at 900/45 = 20 s; slow has 1000-200 = 800 left, still capped: +80 s.
    env.run()
    assert close(fast[0].ended, 20.0) and close(slow.ended, 100.0)


def test_flow_slowed_by_a_second_link_leaves_its_share() -> None:
    env, net = make(LinkSpec("a", 100.0), LinkSpec("b", 20.0))
    through = net.transfer(["a", "b"], 100)
    local = [net.transfer(["a"], 400) for _ in range(2)]
    assert through.rate == 20.0
    assert [f.rate for f in local] == [40.0, 40.0]
    # through ends at 100/20 = 5; the local flows have 200 left each, then 50 B/s each: +4 s.
    env.run()
    assert close(through.ended, 5.0) and close(local[0].ended, 9.0)


def test_cap_above_the_fair_share_does_not_bind() -> None:
    env, net = make(LinkSpec("a", 100.0))
    flows = [net.transfer(["a"], 100, cap=60) for _ in range(2)]
    assert [f.rate for f in flows] == [50.0, 50.0]


def test_set_cap_mid_flow_changes_the_end_exactly() -> None:
    env, net = make(LinkSpec("a", 100.0))
    flow = net.transfer(["a"], 1000, cap=20)

    def throttle():
        yield env.timeout(10)  # 200 sent
        flow.set_cap(80)  # 800 left at 80: 10 s more
        assert flow.rate == 80.0 and flow.cap == 80
        yield env.timeout(5)
        flow.set_cap(None)  # 400 left at 100: 4 s more
        assert flow.rate == 100.0 and flow.cap is None

    env.process(throttle())
    env.run()
    assert close(flow.ended, 19.0)


# -- multi-link paths ---------------------------------------------------------------------

def test_path_is_limited_by_its_narrowest_link() -> None:
    env, net = make(LinkSpec("adapter", 1e9), LinkSpec("uplink", 3e8))
    flow = net.transfer(["adapter", "uplink"], 6e8)
    assert flow.rate == 3e8
    env.run()
    assert close(flow.ended, 2.0)


def test_path_shares_each_link_with_the_flows_there() -> None:
    env, net = make(LinkSpec("a", 100.0), LinkSpec("b", 30.0))
    x = net.transfer(["a", "b"], 1e6)
    y = net.transfer(["a"], 1e6)
    z = net.transfer(["b"], 1e6)
    # b is the bottleneck: x and z get 15 each; y takes what x leaves of a.
    assert (x.rate, y.rate, z.rate) == (15.0, 85.0, 15.0)


def test_duplicate_links_in_a_path_count_once() -> None:
    env, net = make(LinkSpec("a", 100.0, latency=0.001), LinkSpec("b", 100.0, latency=0.002))
    flow = net.transfer(["a", "b", "a"], 100)
    assert flow.rate == 100.0
    assert close(net.path_latency(["a", "b", "a"]), 0.003)
    env.run()
    assert close(flow.ended, 1.0)


def test_max_min_function_on_a_textbook_case() -> None:
    # Three links of 10; flow 0 crosses all, flows 1-3 one each, flow 4 shares link c, capped.
    paths = [["a", "b", "c"], ["a"], ["b"], ["c"], ["c"]]
    rates = max_min(paths, [None, None, None, None, 2.0], {"a": 10, "b": 10, "c": 10})
    assert rates == [4.0, 6.0, 6.0, 4.0, 2.0]


# -- capacity, latency, TCP ---------------------------------------------------------------

def test_efficiency_and_aggregation_scale_the_capacity() -> None:
    spec = LinkSpec("bond", 125e6, efficiency=0.64, aggregation=2)
    assert close(spec.capacity, 160e6)
    env, net = make(spec)
    assert close(net.capacity("bond"), 160e6)
    flow = net.transfer(["bond"], 480e6)
    assert close(flow.rate, 160e6)
    env.run()
    assert close(flow.ended, 3.0)


def test_latency_is_reported_but_not_added_to_transfers() -> None:
    env, net = make(LinkSpec("a", 100.0, latency=0.25), LinkSpec("b", 100.0, latency=0.5))
    assert net.path_latency(["a", "b"]) == 0.75
    assert net.rtt(["a", "b"]) == 1.5
    flow = net.transfer(["a", "b"], 100)
    env.run()
    assert close(flow.ended, 1.0)


def test_tcp_cap_is_streams_times_window_over_rtt() -> None:
    assert close(tcp_cap(4 * 2**20, 0.01, 2), 2 * 4 * 2**20 / 0.01)
    assert tcp_cap(65536, 0.0, 4) == math.inf
    env, net = make(LinkSpec("a", 1e9, latency=0.005))
    flow = net.transfer(["a"], 1e6, cap=tcp_cap(65536, net.rtt(["a"]), 1))
    assert close(flow.rate, 65536 / 0.01)


def test_zero_bytes_complete_at_once() -> None:
    env, net = make(LinkSpec("a", 100.0))
    env.run(until=3)
    flow = net.transfer(["a"], 0)
    assert flow.done.triggered and flow.done.value is flow
    assert flow.ended == 3 and net.flows == ()
    env.run()
    assert env.now == 3


# -- robustness ---------------------------------------------------------------------------

def test_awkward_floats_never_stall_at_zero_time() -> None:
    env, net = make(LinkSpec("a", 0.3), LinkSpec("b", 0.7))
    env.run(until=1e7 + 0.1)  # far from 0 so that rounding is coarse
    flows = [net.transfer(["a", "b"][: 1 + i % 2], 0.1 + 0.2 * i, cap=0.1 * (i % 3 + 1))
             for i in range(40)]
    steps = 0
    while env.peek() < math.inf:
        env.step()
        steps += 1
        assert steps < 1000
    assert all(not f.active and f.sent == f.size and f.done.ok for f in flows)


def test_remaining_is_exact_between_events() -> None:
    env, net = make(LinkSpec("a", 64.0))
    flow = net.transfer(["a"], 1024)
    env.run(until=3.25)
    assert flow.remaining == 1024 - 3.25 * 64 and flow.sent == 3.25 * 64
    assert net.flows == (flow,)


# -- bad arguments ------------------------------------------------------------------------

@pytest.mark.parametrize("field, kwargs", [
    ("bandwidth", {"bandwidth": 0}),
    ("bandwidth", {"bandwidth": -1.0}),
    ("bandwidth", {"bandwidth": math.nan}),
    ("latency", {"latency": -0.1}),
    ("efficiency", {"efficiency": 0.0}),
    ("efficiency", {"efficiency": 1.5}),
    ("aggregation", {"aggregation": 0}),
    ("aggregation", {"aggregation": 1.5}),
    ("name", {"name": ""}),
])
def test_bad_link_spec_names_the_field(field: str, kwargs: dict) -> None:
    args = {"name": "a", "bandwidth": 100.0, **kwargs}
    with pytest.raises(ValueError, match=f'"{field}"'):
        LinkSpec(**args)


def test_bad_transfer_arguments_raise_clear_errors() -> None:
    env, net = make(LinkSpec("a", 100.0))
    with pytest.raises(ValueError, match='"nbytes"'):
        net.transfer(["a"], -1)
    with pytest.raises(ValueError, match='"nbytes"'):
        net.transfer(["a"], math.nan)
    with pytest.raises(KeyError, match="nowhere"):
        net.transfer(["a", "nowhere"], 10)
    with pytest.raises(ValueError, match='"cap"'):
        net.transfer(["a"], 10, cap=-5)
    with pytest.raises(ValueError, match='"path"'):
        net.transfer([], 10)
    with pytest.raises(TypeError, match='"path"'):
        net.transfer("a", 10)
    with pytest.raises(KeyError, match="nowhere"):
        net.capacity("nowhere")
    with pytest.raises(ValueError, match='"bandwidth"'):
        net.set_capacity("a", -1)
    with pytest.raises(ValueError, match='"rate"'):
        net.background("a", -1)
    with pytest.raises(ValueError, match='"until"'):
        net.background("a", 1, until=0)
    with pytest.raises(ValueError, match='"window_bytes"'):
        tcp_cap(0, 0.1, 1)
    with pytest.raises(ValueError, match='"streams"'):
        tcp_cap(1000, 0.1, 0)
    with pytest.raises(ValueError, match="twice"):
        Network(env, [LinkSpec("a", 1.0), LinkSpec("a", 2.0)])
    assert net.flows == ()  # nothing half-made was left on the network


def test_a_flows_scale_on_a_link_is_the_capacity_it_uses_there():
    """Weighted max-min: flows that use a and b units of a link per byte/s get equal rates r
    with (a + b) r = capacity; a capped flow leaves the rest to the other."""
    from lpmsim.network.sharing import water_fill

    assert water_fill([(0,), (0,)], [math.inf] * 2, [12.0], [1, 1], [(1.0,), (3.0,)]) == \
        pytest.approx([3.0, 3.0])
    assert water_fill([(0,), (0,)], [1.0, math.inf], [12.0], [1, 1], [(1.0,), (3.0,)]) == \
        pytest.approx([1.0, 11 / 3])
    # a scale on one link only: the other link (capacity 2) binds the second flow
    assert water_fill([(0, 1), (0,)], [math.inf] * 2, [12.0, 2.0], [1, 1], [(2.0, 1.0), None]) == \
        pytest.approx([2.0, 8.0])


def test_a_bad_scale_is_refused():
    env = simpy.Environment()
    net = Network(env, [LinkSpec("a", 1e9), LinkSpec("b", 1e9)])
    with pytest.raises(ValueError, match="not on the path"):
        net.transfer(["a"], 10, scale={"b": 2.0})
    with pytest.raises(ValueError, match="> 0"):
        net.transfer(["a"], 10, scale={"a": 0})
