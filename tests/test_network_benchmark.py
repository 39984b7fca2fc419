"""A benchmark-sized run: 100,000 transfers in 16 back-to-back chains sharing one uplink. It
checks the outcome against the closed form; its duration (a few seconds) is for the reader to
watch, not asserted. Marked slow: skip with ``-m 'not slow'``."""

from __future__ import annotations

import math

import pytest
import simpy

from lpmsim.network import LinkSample, LinkSpec, Network

CHAINS = 16
TRANSFERS = 100_000


@pytest.mark.slow
def test_hundred_thousand_transfers_in_sixteen_chains() -> None:
    env = simpy.Environment()
    samples: list[LinkSample] = []
    uplink = 2.5e9
    links = [LinkSpec("uplink", uplink)] + [LinkSpec(f"msp{i}", 1.25e9) for i in range(CHAINS)]
    net = Network(env, links, samples)
    size = 64 * 2**20
    per_chain = TRANSFERS // CHAINS
    done = []

    def chain(i: int):
        for _ in range(per_chain):
            yield net.transfer([f"msp{i}", "uplink"], size, owner=i).done
        done.append(env.now)

    for i in range(CHAINS):
        env.process(chain(i))
    env.run()
    # Every chain always has one flow on the uplink, so each gets uplink/16 throughout.
    assert len(done) == CHAINS
    assert math.isclose(env.now, TRANSFERS * size / uplink, rel_tol=1e-9)
    # Back-to-back transfers leave the allocation unchanged: one sample per link to start,
    # one when the chains begin and one when they end.
    assert len(samples) == 3 * (CHAINS + 1)
