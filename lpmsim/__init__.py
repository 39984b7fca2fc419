"""lpmsim: a discrete-event simulator of IBM PowerVM Live Partition Mobility."""

from lpmsim.results import RunResult
from lpmsim.scenario import Scenario, ScenarioError, load_scenario, scenario_from_dict
from lpmsim.simulate import simulate
from lpmsim.sweep import SweepResult, simulate_many

__all__ = ["RunResult", "Scenario", "ScenarioError", "load_scenario", "scenario_from_dict",
           "simulate", "simulate_many", "SweepResult"]
__version__ = "0.1.0"
