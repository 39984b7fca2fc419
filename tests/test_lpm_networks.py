"""LPM networks (issue 13 item 2): MSPs pair only over a common network, migrlpar's
source/dest_msp_ipaddr pick the interfaces, and validation says when no pair can connect."""

from __future__ import annotations

from builders import lone

from lpmsim import scenario_from_dict, simulate
from lpmsim.inventory.hosting import Interface
from lpmsim.inventory.models import Vios
from lpmsim.inventory.networks import msp_path, route
from lpmsim.validation import check_migration


def test_a_route_meets_at_the_common_link():
    a = Interface(name="en0", links=("a-nic", "core", "wan"))
    b = Interface(name="en0", links=("b-nic", "core"))
    assert route(a, b) == ("a-nic", "core", "b-nic")
    assert route(a, Interface(name="en1", links=("other",))) is None


def _two_networks(**spec):
    raw = lone(bandwidth="10 Gbps")
    raw["links"] += [{"name": "lpm-b", "bandwidth": "1 Gbps"}]
    raw["vios"][0]["interfaces"] = [{"name": "en0", "ip": "10.0.0.1", "links": ["net"]},
                                    {"name": "en1", "ip": "10.1.0.1", "links": ["lpm-b"]}]
    raw["vios"][1]["interfaces"] = [{"name": "en0", "ip": "10.0.0.2", "links": ["net"]},
                                    {"name": "en1", "ip": "10.1.0.2", "links": ["lpm-b"]}]
    raw["migrations"][0].update(spec)
    return scenario_from_dict(raw)


def test_ipaddr_picks_the_interfaces_and_their_network():
    fast = simulate(_two_networks()).migrations.iloc[0]
    slow = simulate(_two_networks(source_msp_ipaddr="10.1.0.1",
                                  dest_msp_ipaddr="10.1.0.2")).migrations.iloc[0]
    assert fast.outcome == slow.outcome == "completed"
    assert slow.total_time_s > 5 * fast.total_time_s   # 1 Gbps instead of 10 Gbps
    bad = simulate(_two_networks(source_msp_ipaddr="10.0.0.1",
                                 dest_msp_ipaddr="10.1.0.2")).migrations.iloc[0]
    assert bad.outcome == "validation_failed"
    assert bad.reason == ("the MSPs it names (source_msp_ipaddr 10.0.0.1, dest_msp_ipaddr "
                          "10.1.0.2) share no network")


def test_msps_on_unconnected_networks_are_never_paired():
    raw = lone()
    raw["links"] += [{"name": "elsewhere", "bandwidth": "10 Gbps"}]
    raw["vios"][1]["links"] = ["elsewhere"]
    sc = scenario_from_dict(raw)
    m = simulate(sc).migrations.iloc[0]
    assert m.outcome == "validation_failed"
    assert m.reason.startswith("MSP_NO_COMMON_NETWORK") and m.reason.count("shares a network") == 1
    v = check_migration(sc.inventory, "p", "B", "active")
    assert "MSP_NO_COMMON_NETWORK" in {f.code for f in v.errors}
    assert msp_path(Vios(name="x", system="A", links=("net",)),
                    Vios(name="y", system="B", links=("elsewhere",))) is None


def test_the_shipped_faults_scenario_pairs_within_each_network(shipped):
    m = shipped("scenarios/faults.toml").migrations
    links = {"viosA1": "1", "viosB1": "1", "viosA2": "2", "viosB2": "2", "viosA3": "g", "viosB3": "g"}
    for pairs in m.msp_pairs.dropna():
        for pair in pairs.split(","):
            a, b = pair.split(">")
            assert links[a] == links[b], pair


def test_a_single_1gb_adapter_runs_at_most_4_migrations():
    """IBM S9/S13: cfg_msp_lpm_ops 4 on a single 1 Gb adapter."""
    from fleet import fleet

    def peak(bandwidth):
        m = simulate(scenario_from_dict(fleet(n=6, bandwidth=bandwidth))).migrations
        return max(((m.admitted_s <= t) & (m.released_s > t)).sum() for t in m.admitted_s)

    assert peak("1 Gbps") == 4
    assert peak("10 Gbps") == 6
