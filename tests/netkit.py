"""Helpers shared by the network tests."""

from __future__ import annotations

import math

import simpy

from lpmsim.network import Flow, LinkSample, LinkSpec, Network


def close(a: float, b: float, rel: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


def make(*links: LinkSpec, samples: list[LinkSample] | None = None
         ) -> tuple[simpy.Environment, Network]:
    env = simpy.Environment()
    return env, Network(env, links, samples)


def finish_log(env: simpy.Environment, flows: dict[str, Flow]) -> list[tuple[str, float]]:
    """Run to the end; the (name, time) of each flow's completion, in order."""
    log: list[tuple[str, float]] = []
    for name, flow in flows.items():
        flow.done.callbacks.append(lambda _e, name=name: log.append((name, env.now)))
    env.run()
    return log
