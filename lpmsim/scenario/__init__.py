"""Scenario files: TOML with human units -> a validated, frozen :class:`Scenario`."""

from lpmsim.scenario.errors import Problem, ScenarioError
from lpmsim.scenario.load import load_scenario, scenario_from_dict
from lpmsim.scenario.policies import PRESETS, PowerVMOptions, QemuOptions, XenOptions
from lpmsim.scenario.schema import HmcSteps, Hypervisor, MigrationSpec, Scenario

__all__ = [
    "HmcSteps", "Hypervisor", "MigrationSpec", "PRESETS", "PowerVMOptions", "Problem",
    "QemuOptions", "Scenario", "ScenarioError", "XenOptions", "load_scenario", "scenario_from_dict",
]
