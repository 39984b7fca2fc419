"""The fluid page state's sync rule and dirty-log count, in closed form."""

from __future__ import annotations

import math

import pytest

from lpmsim.memory import PageFluid, Region

P, R = 10_000, 1_000.0  # pages, page writes/s


def half_sent(region: Region) -> PageFluid:
    """Pass 1 over one region, scanned half-way at t = 1 s."""
    f = PageFluid([region], 0.0)
    f.fill(0.0)
    f.send(P * 4104 / 2, 0.0, 1.0, wrap=False)
    return f


def test_random_writes_fold_in_independently():
    f = half_sent(Region("w", P, 4104, rate=R))
    log = 1 - math.exp(-R * 1.0 / P)
    assert f.written(1.0) == pytest.approx(P * log)               # every page in the log
    assert f.logged(1.0) == pytest.approx(P / 2 * log)            # only the sent half adds
    added = f.sync(1.0)
    assert added == pytest.approx(P / 2 * log)
    assert f.pending() == pytest.approx(P / 2 + P / 2 * log)


def test_a_sweep_is_disjoint_from_what_the_bitmap_still_marks():
    """A sequential sweep writes the pages after the ones it wrote before the last sync, so at
    a later sync its log and the pages still marked do not overlap (until it laps): the union
    is d + log, not 1 - (1-d)(1-log)."""
    f = PageFluid([Region("s", P, 4104, rate=R, sequential=True)], 0.0)
    f.fill(0.0)
    f.send(P * 4104, 0.0, 1.0, wrap=False)      # pass 1 done at 1 s: R pages written since
    f.sync(1.0)                                 # d = 0.1 everywhere
    assert f.pending() == pytest.approx(0.1 * P)
    assert f.logged(3.0) == pytest.approx(0.2 * P)   # 2 s later: 0.2 more, none overlapping
    f.sync(3.0)
    assert f.pending() == pytest.approx(0.3 * P)
    assert f.written(3.0) == 0.0                # the log restarts at a sync
    f.sync(20.0)                                # a sweep longer than the working set: all
    assert f.pending() == pytest.approx(P)


def test_a_sweep_misses_the_pages_it_marked_itself_even_where_it_marked_all():
    """After a sync that caught a whole lap (every page marked), the scan sends half of them;
    the sweep's next writes are the pages after its last ones: none of the half still marked
    (which it wrote before). A share per piece would spend half of them there."""
    f = PageFluid([Region("s", P, 4104, rate=R, sequential=True)], 0.0)
    f.fill(0.0)
    f.send(P * 4104, 0.0, 1.0, wrap=False)      # pass 1 done at 1 s
    f.sync(20.0)                                # a lap and more: all marked, by the sweep
    assert f.pending() == pytest.approx(P)
    f.send(P / 2 * 4104, 20.0, 21.0, wrap=True)  # half of them sent
    assert f.logged(22.0) == pytest.approx(0.2 * P)  # 2 s of the sweep: all on unmarked pages
    f.sync(22.0)
    assert f.pending() == pytest.approx(0.5 * P + 0.2 * P)


def test_a_sweep_spends_its_share_on_the_first_pass_still_ahead():
    """Where the first pass has not reached, the pages are marked by the setup, wherever the
    sweep is: its writes fall there in proportion and add nothing."""
    f = half_sent(Region("s", P, 4104, rate=R, sequential=True))
    assert f.logged(1.0) == pytest.approx(P / 2 * R * 1.0 / P)  # the sent half's share
    f.sync(1.0)
    assert f.pending() == pytest.approx(P / 2 + P / 2 * 0.1)
