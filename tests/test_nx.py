"""NX compression and encryption (issue 13 item 3): on from POWER9 at FW920, the wire carries
compressed pages, the NX units bound the stream; a stated ratio applies anywhere."""

from __future__ import annotations

import pytest
from builders import lone

from lpmsim import scenario_from_dict, simulate
from lpmsim.inventory.nx import firmware_level


def run(systems: dict | None = None, compressibility: float = 4.0, **mig):
    raw = lone(memory="8 GiB", bandwidth="1 GB/s")
    raw["partitions"][0]["compressibility"] = compressibility
    for s in raw["systems"]:
        s.update(systems or {})
    raw["migrations"][0].update(mig)
    return simulate(scenario_from_dict(raw)).migrations.iloc[0]


P10 = {"processor": "POWER10", "firmware": "FW1050.10"}


def test_firmware_levels():
    assert firmware_level("FW950.10") == 950 and firmware_level("FW1050") == 1050
    assert firmware_level("") is None


def test_compression_needs_power9_and_fw920_on_both_sides():
    plain = run()
    on = run(P10)
    old = run({"processor": "POWER9", "firmware": "FW910"})
    assert old.total_time_s == pytest.approx(plain.total_time_s)
    assert on.bytes_sent == pytest.approx(plain.bytes_sent / 4, rel=1e-6)   # 8 GiB idle, 4x
    assert on.total_time_s == pytest.approx(plain.total_time_s / 4, rel=1e-6)


def test_the_nx_rate_bounds_the_stream():
    fast = run(P10)
    slow = run(P10 | {"nx_throughput": "500 MB/s"})   # raw 500 MB/s < 4 x 1 GB/s wire
    assert slow.total_time_s == pytest.approx(8 * 2**30 / 500e6, rel=1e-6)
    assert slow.total_time_s > fast.total_time_s


def test_a_stated_ratio_applies_on_any_system():
    assert run(compression=2.0).bytes_sent == pytest.approx(run().bytes_sent / 2, rel=1e-6)


def test_a_systems_nx_units_are_shared_by_its_migrations():
    """Two migrations out of one system share its NX units, each using ratio raw bytes per
    byte it sends (max-min: equal wire rates r with 4r + 2r = the NX rate), until the first
    is done; the other then has them alone."""
    from fleet import fleet

    raw = fleet(n=2, bandwidth="100 GB/s", memory="1 GiB")
    for s in raw["systems"]:
        s |= P10
    raw["systems"][0]["nx_throughput"] = "1 GB/s"   # frame A's NX; B's is not a bound
    raw["partitions"][0]["compressibility"] = 4.0
    raw["partitions"][1]["compressibility"] = 2.0
    res = simulate(scenario_from_dict(raw))
    m = res.migrations.set_index("migration")
    GiB, nx = 2**30, 1e9
    r = nx / 6
    t1 = GiB / 4 / r
    assert m.loc["p1", "completed_s"] == pytest.approx(t1, rel=1e-6)
    assert m.loc["p2", "completed_s"] == pytest.approx(t1 + (GiB / 2 - r * t1) / (nx / 2), rel=1e-6)
    used = res.links[res.links.link == "nx:A"]
    assert used.rate_Bps.max() == pytest.approx(nx) and (used.rate_Bps <= nx * (1 + 1e-9)).all()
