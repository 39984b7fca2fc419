"""What the simulator itself needs before a migration can run (an MSP on each side, a network
path between them, a running partition for active mobility). The HMC's full validation
(:mod:`lpmsim.validation`) adds every check IBM documents."""

from __future__ import annotations

from lpmsim.actors.migration import Plan
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
        if mig.src_msp and mig.dst_msp and not mig.path:
            problems.append(f"no mover service partition of {mig.source} shares a network (a "
                            f"link) with one of {mig.destination}: no MSP pair can connect")
    return problems
