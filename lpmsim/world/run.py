"""Build the world of a scenario (network, hypervisors, MSPs, HMC), run it, collect records.

Build, connect, then run: every wiring problem (a missing MSP, no network path) is found before
simulated time starts and reported as the migration's validation failure, never as a crash.
"""

from __future__ import annotations

import time
from collections import Counter

import simpy

from lpmsim.actors.hmc import Hmc
from lpmsim.actors.hypervisor import Hypervisor
from lpmsim.actors.faults import Injector
from lpmsim.actors.migration import Migration, Plan, record
from lpmsim.actors.msp import Msp, cpu_link, reverse
from lpmsim.inventory.networks import connected
from lpmsim.inventory.mover_cpu import msp_capacity, thread_rate
from lpmsim.inventory.nx import lpm_compression, nx_link, nx_links
from lpmsim.actors.records import Recorder
from lpmsim.network import LinkSpec, Network
from lpmsim.policy import make_policy
from lpmsim.results import RunResult, build_frames
from lpmsim.scenario import Scenario
from lpmsim.world.ledger import Ledger
from lpmsim.kinds import Outcome
from lpmsim.world.preflight import preflight


def simulate(scenario: Scenario, seed: int | None = None, *, audit: bool = False) -> RunResult:
    """Run every migration of ``scenario``. Same scenario and seed: identical results.

    ``audit=True`` checks at every COMPLETED that no stale page is left, that the bytes add up
    by stage and that every touched page went at least once (for tests).
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f'"scenario" must be a Scenario (see load_scenario), got {type(scenario).__name__}')
    if seed is None:
        seed = scenario.seed
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f'"seed" must be a non-negative integer, got {seed!r}')
    started = time.perf_counter()
    env = CountingEnvironment(scenario.max_events)
    rec = Recorder()
    # Ethernet is full duplex: each link is two directions of its own capacity (the reverse one
    # named NAME~r); MSP pseudo-links (CPU and threads) are shared by both directions
    links = [LinkSpec(name, link.bandwidth, link.latency, link.usable_efficiency,
                      link.aggregation)
             for link in scenario.links for name in (link.name, reverse(link.name))]
    systems = {s.name: s for s in scenario.systems}
    per_cycle = scenario.mover.bytes_per_cycle
    network = Network(env, [*links, *(LinkSpec(cpu_link(v),
                                               msp_capacity(v, systems[v.system], per_cycle))
                                      for v in scenario.vios if v.msp),
                            *(LinkSpec(nx_link(s), s.nx_throughput)
                              for s in scenario.systems if s.nx_throughput)],
                      samples=rec.links,
                      twins={k: v for link in scenario.links
                             for k, v in ((link.name, reverse(link.name)),
                                          (reverse(link.name), link.name))})
    hypervisors = {s.name: Hypervisor(env, s.name, scenario.hypervisor, rec, seed, audit)
                   for s in scenario.systems}
    rates = {link.name: link.bandwidth * link.aggregation for link in scenario.links}

    def adapter_rate(v) -> float | None:  # its fastest LPM adapter (an interface's first link)
        firsts = [i.links[0] for i in v.lpm_interfaces() if i.links and i.links[0] in rates]
        return max((rates[name] for name in firsts), default=None)

    msps = {v.name: Msp(env, v, network, rec, scenario.mover.levels, adapter_rate(v),
                        thread_rate(systems[v.system], per_cycle))
            for v in scenario.vios if v.msp}
    migrations = build_migrations(scenario)
    ledger = Ledger(scenario.inventory,
                    note=lambda mig, event, detail: rec.event(env.now, mig.id, "hmc", event, detail))

    def validate(mig: Migration) -> list[str]:
        problems = preflight(scenario, mig.plan)
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
    try:
        env.run(until=scenario.horizon)
        why = f"still running at the horizon ({scenario.horizon:g} s of simulated time)"
    except EventBudget:
        env.events -= 1  # the refused one was not processed
        why = (f"still running when the run hit its budget of {scenario.max_events:,} events "
               f"(max_events) at {env.now:g} s")
    for mover in hmc.movers:
        mover.close(env.now)
    for mig in migrations:
        if mig.verdict.outcome is Outcome.PENDING:  # the run ends here, after the HMC
            mig.verdict.outcome = Outcome.UNFINISHED
            mig.verdict.reason = why
            if mig.tally.steady:
                mig.verdict.reason += f"; {mig.tally.steady}"
    frames = build_frames([record(m) for m in migrations], rec)
    inventories = {"initial": ledger.initial, "final": ledger.inventory,
                   **{mid: {"before": ledger.before[mid], "after": ledger.after.get(mid)}
                      for mid in ledger.before}}
    return RunResult(scenario=scenario, seed=seed, inventories=inventories,
                     wall_s=time.perf_counter() - started, event_count=env.events, **frames)


class EventBudget(Exception):
    """The run processed ``max_events`` events (scenario key ``max_events``)."""


class CountingEnvironment(simpy.Environment):
    """A SimPy environment that counts the events it processes (for run.json, benchmarks) and
    stops the run at ``limit`` of them."""

    def __init__(self, limit: int | None = None) -> None:
        super().__init__()
        self.events = 0
        self.limit = limit

    def step(self) -> None:
        self.events += 1
        if self.limit is not None and self.events > self.limit:
            raise EventBudget(self.limit)
        super().step()


def build_migrations(scenario: Scenario) -> list[Migration]:
    inv = scenario.inventory
    names = Counter(m.partition for m in scenario.planned)
    seen: Counter = Counter()
    out = []
    for index, spec in enumerate(scenario.planned):
        seen[spec.partition] += 1
        mid = spec.partition if names[spec.partition] == 1 else f"{spec.partition}#{seen[spec.partition]}"
        part = inv.partition(spec.partition)
        first: dict = {}
        if spec.mode == "active":
            src = [v for v in inv.msps_of(part.system) if spec.source_msp in (None, v.name)]
            dst = [v for v in inv.msps_of(spec.destination) if spec.dest_msp in (None, v.name)]
            pairs = connected(src, dst, spec.source_msp_ipaddr, spec.dest_msp_ipaddr)
            if pairs:
                first = {"src_msp": pairs[0][0].name, "dst_msp": pairs[0][1].name,
                         "path": pairs[0][2]}
            elif src and dst:  # no pair shares a network: preflight says so
                first = {"src_msp": src[0].name, "dst_msp": dst[0].name, "path": ()}
        policy = make_policy(spec.policy)
        ratio = 1.0
        nx_path: tuple[str, ...] = ()
        if spec.mode == "active" and policy.name == "powervm":  # the NX path is PowerVM's
            src_sys, dst_sys = inv.system(part.system), inv.system(spec.destination)
            ratio, on = lpm_compression(src_sys, dst_sys, part, spec.compression)
            nx_path = nx_links(src_sys, dst_sys) if on else ()
        out.append(Migration(Plan(id=mid, spec=spec, partition=part, source=part.system,
                                  destination=spec.destination, policy=policy,
                                  index=index, compression=ratio, nx_links=nx_path, **first)))
    return out
