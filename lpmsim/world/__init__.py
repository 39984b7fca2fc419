"""Build the world from a Scenario, run it, collect records -> RunResult."""

from lpmsim.world.run import simulate

__all__ = ["simulate"]
