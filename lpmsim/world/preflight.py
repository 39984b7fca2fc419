"""What the simulator itself needs before a migration can run (an MSP on each side, a network
path between them, a running partition for active mobility). The HMC's full validation
(:mod:`lpmsim.validation`) adds every check IBM documents."""

from __future__ import annotations

from lpmsim.actors.migration import Plan
from lpmsim.inventory.networks import connected
from lpmsim.scenario import Scenario


def preflight(scenario: Scenario, mig: Plan) -> list[str]:
    problems = []
    if mig.mode == "active":
        if mig.partition.state != "running":
            problems.append(f"partition {mig.partition.name} is not running: active mobility needs "
                            "a running partition (use mode = \"inactive\")")
        if mig.src_msp is None:
            problems.append(f"no mover service partition on source system {mig.source}")
        if mig.dst_msp is None:
            problems.append(f"no mover service partition on destination system {mig.destination}")
        spec, inv = mig.spec, scenario.inventory
        if mig.src_msp and mig.dst_msp and not mig.path and connected(
                inv.msps_of(mig.source), inv.msps_of(mig.destination)):
            # with no connected pair at all, validation says so (MSP_NO_COMMON_NETWORK); here
            # only the pair the migration names cannot connect
            named = ", ".join(f"{k} {v}" for k, v in (
                ("source_msp", spec.source_msp), ("dest_msp", spec.dest_msp),
                ("source_msp_ipaddr", spec.source_msp_ipaddr),
                ("dest_msp_ipaddr", spec.dest_msp_ipaddr)) if v)
            problems.append(f"the MSPs it names ({named}) share no network")
    return problems
