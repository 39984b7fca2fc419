"""The MSP data path's processors (issue 13, item 3): mover threads each at most one processor's
rate, all of an MSP's threads within its entitlement, and the HMC's own thread sizing from
VIOS 3.1.2 with HMC V9R2M950."""

from __future__ import annotations

from pathlib import Path

import pytest
from fleet import fleet

from lpmsim import scenario_from_dict, simulate
from lpmsim.hmc.dump import Reader, _mover_processors
from lpmsim.inventory.models import ManagedSystem, Vios
from lpmsim.inventory.mover_cpu import (
    hmc_sizes_threads, msp_capacity, thread_rate, threads, version,
)

GiB = 2**30
LEVELS = (16, 12, 8, 6, 2)


def vios(**kw) -> Vios:
    return Vios(name=kw.pop("name", "v"), system="A", **kw)


def test_versions_read_as_numbers():
    assert version("3.1.2.10") == (3, 1, 2, 10) and version("V9R2M950") == (9, 2, 950)
    assert version("V10R1M1010") > version("V9R2M950") and version("") == ()


def test_capacity_is_entitlement_times_a_threads_rate_unless_stated():
    system = ManagedSystem(name="A", processor_ghz=4.0)
    assert thread_rate(system, 0.25) == pytest.approx(1e9)
    assert msp_capacity(vios(entitlement=1.5), system, 0.25) == pytest.approx(1.5e9)
    assert msp_capacity(vios(msp_throughput=3e8), system, 0.25) == 3e8


def test_the_hmc_sizes_threads_only_where_ibm_says():
    new = dict(version="3.1.4.10", concurrency_lvl=4)
    assert hmc_sizes_threads(vios(**new), vios(**new), "V10R2M1040")
    assert not hmc_sizes_threads(vios(**new), vios(**new), "V9R1M940")       # HMC too old
    assert not hmc_sizes_threads(vios(**new), vios(version="3.1.1.0"), "V10R2M1040")
    assert not hmc_sizes_threads(vios(**new), vios(version="3.1.4.10", concurrency_lvl=3),
                                 "V10R2M1040")  # a level set by hand is honoured
    assert not hmc_sizes_threads(vios(**new), vios(**new), "")


@pytest.mark.parametrize("memory, level", [(32 * GiB, 4), (128 * GiB, 3), (512 * GiB, 2),
                                           (4096 * GiB, 1)])
def test_hmc_sizing_gives_larger_partitions_more_threads(memory, level):
    new = dict(version="3.1.4.10", concurrency_lvl=4)
    assert threads(vios(**new), vios(**new), memory, LEVELS, "V10R2M1040") == LEVELS[level - 1]
    assert threads(vios(**new), vios(**new), memory, LEVELS) == LEVELS[3]   # no HMC version


def test_the_smaller_level_side_sets_the_threads():
    assert threads(vios(concurrency_lvl=2), vios(concurrency_lvl=5), GiB, LEVELS) == 2


def thread_bound(memory: str, hmc: str = "", ioslevel: str = "") -> dict:
    """One migration over a fast link where the threads bind: 0.1 B/cycle x 1 GHz = 100 MB/s
    a thread, and processors enough for 16."""
    raw = fleet(n=1, bandwidth="100 GB/s", memory=memory, mover={"bytes_per_cycle": 0.1})
    raw["hmc"] = raw.get("hmc", {}) | {"version": hmc}
    for s in raw["systems"]:
        s["processor_ghz"] = 1.0
    for v in raw["vios"]:
        del v["msp_throughput"]
        v |= {"entitlement": 16.0, "version": ioslevel}
    return raw


def test_a_migration_moves_its_threads_worth():
    m = simulate(scenario_from_dict(thread_bound("1 GiB"))).migrations.iloc[0]
    assert m.completed_s == pytest.approx(GiB / (6 * 1e8), rel=1e-6)  # level 4: 6 threads


def test_with_hmc_sizing_a_large_partition_goes_faster():
    plain = simulate(scenario_from_dict(thread_bound("512 GiB"))).migrations.iloc[0]
    auto = simulate(scenario_from_dict(thread_bound("512 GiB", "V10R2M1040", "3.1.4.10")))
    auto_m = auto.migrations.iloc[0]
    assert plain.completed_s == pytest.approx(512 * GiB / (6 * 1e8), rel=1e-6)
    assert auto_m.completed_s == pytest.approx(512 * GiB / (12 * 1e8), rel=1e-6)  # level 2


def test_an_imported_vios_gets_the_processors_its_threads_can_use():
    r = Reader(Path("."))
    base = {"curr_procs": "4", "curr_proc_units": "1.5"}
    assert _mover_processors(r, base | {"curr_proc_mode": "shared",
                                        "curr_sharing_mode": "cap"}, "x", 1) == 1.5
    assert _mover_processors(r, base | {"curr_proc_mode": "shared",
                                        "curr_sharing_mode": "uncap"}, "x", 1) == 4
    assert _mover_processors(r, base | {"curr_proc_mode": "ded"}, "x", 1) == 4
