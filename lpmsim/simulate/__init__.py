"""Build the world from a Scenario, run it, collect records -> RunResult."""

from lpmsim.simulate.world import simulate

__all__ = ["simulate"]
