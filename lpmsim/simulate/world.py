"""Build the world of a scenario (network, hypervisors, MSPs, HMC), run it, collect records.

Build, connect, then run: every wiring problem (a missing MSP, no network path) is found before
simulated time starts and reported as the migration's validation failure, never as a crash.
"""

from __future__ import annotations

from collections import Counter

import simpy

from lpmsim.actors.hmc import Hmc
from lpmsim.actors.hypervisor import Hypervisor
from lpmsim.actors.migration import Migration
from lpmsim.actors.faults import Injector
from lpmsim.actors.msp import Msp, cpu_link, msp_path
from lpmsim.actors.records import Recorder
from lpmsim.network import LinkSpec, Network
from lpmsim.policy import make_policy
from lpmsim.results import RunResult, build_frames
from lpmsim.scenario import Scenario
from lpmsim.simulate.ledger import Ledger
from lpmsim.simulate.preflight import preflight


def simulate(scenario: Scenario, seed: int | None = None, *, audit: bool = False) -> RunResult:
    """Run every migration of ``scenario``. Same scenario and seed: identical results.

    ``audit=True`` keeps per-page version stamps and checks at COMPLETED that every touched page
    reached the destination after its last write (slower; for tests).
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f'"scenario" must be a Scenario (see load_scenario), got {type(scenario).__name__}')
    if seed is None:
        seed = scenario.seed
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f'"seed" must be a non-negative integer, got {seed!r}')
    env = simpy.Environment()
    rec = Recorder()
    network = Network(env, [*(LinkSpec(link.name, link.bandwidth, link.latency,
                                       link.usable_efficiency, link.aggregation)
                              for link in scenario.links),
                            # each MSP's mover CPU and threads, shared by its migrations
                            *(LinkSpec(cpu_link(v), v.msp_throughput)
                              for v in scenario.vios if v.msp)], samples=rec.links)
    hypervisors = {s.name: Hypervisor(env, s.name, scenario.hypervisor, rec, seed, audit)
                   for s in scenario.systems}
    msps = {v.name: Msp(env, v, network, rec, scenario.mover.levels) for v in scenario.vios if v.msp}
    migrations = build_migrations(scenario)
    ledger = Ledger(scenario.inventory,
                    note=lambda mig, event, detail: rec.event(env.now, mig.id, "hmc", event, detail))

    def validate(mig: Migration) -> list[str]:
        problems = preflight(scenario, mig)
        found = ledger.validate(mig)
        for f in found.warnings:
            rec.event(env.now, mig.id, "hmc", "validation_warning", f"{f.code} {f.object}: {f.message}")
        return problems + [f"{f.code} {f.object}: {f.message}" for f in found.errors]

    hmc = Hmc(env, scenario, hypervisors, msps, rec, validate=validate, ledger=ledger,
              network=network)
    for mig in migrations:
        mig.process = env.process(hmc.migrate(mig))
    Injector(env, network, hmc, {m.id: m for m in migrations}, rec).start(scenario.faults,
                                                                          scenario.background)
    env.run(until=scenario.horizon)
    for mig in migrations:
        if mig.outcome == "pending":
            mig.outcome = "unfinished"
            mig.reason = f"still running at the horizon ({scenario.horizon:g} s of simulated time)"
    frames = build_frames(migrations, rec)
    inventories = {"initial": ledger.initial, "final": ledger.inventory,
                   **{mid: {"before": ledger.before[mid], "after": ledger.after.get(mid)}
                      for mid in ledger.before}}
    return RunResult(scenario=scenario, seed=seed, inventories=inventories, **frames)


def build_migrations(scenario: Scenario) -> list[Migration]:
    inv = scenario.inventory
    names = Counter(m.partition for m in scenario.planned)
    seen: Counter = Counter()
    out = []
    for index, spec in enumerate(scenario.planned):
        seen[spec.partition] += 1
        mid = spec.partition if names[spec.partition] == 1 else f"{spec.partition}#{seen[spec.partition]}"
        part = inv.partition(spec.partition)
        mig = Migration(id=mid, spec=spec, partition=part, source=part.system,
                        destination=spec.destination, policy=make_policy(spec.policy), index=index)
        if spec.mode == "active":
            src = inv.msps_of(mig.source)
            dst = inv.msps_of(mig.destination)
            if src and dst:
                mig.src_msp, mig.dst_msp = src[0].name, dst[0].name
                mig.path = msp_path(src[0], dst[0])
        out.append(mig)
    return out
