"""lpmsim: a discrete-event simulator of IBM PowerVM Live Partition Mobility.

The public names are imported on first use (PEP 562), so ``import lpmsim.units`` or the CLI's
``--help`` do not load pandas, SimPy and pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.5.0"

_LAZY = {
    "RunResult": "lpmsim.results",
    "Scenario": "lpmsim.scenario", "ScenarioError": "lpmsim.scenario",
    "load_scenario": "lpmsim.scenario", "scenario_from_dict": "lpmsim.scenario",
    "simulate": "lpmsim.world",
    "SweepResult": "lpmsim.sweep", "simulate_many": "lpmsim.sweep",
}
__all__ = ["RunResult", "Scenario", "ScenarioError", "SweepResult", "load_scenario",
           "scenario_from_dict", "simulate", "simulate_many"]

if TYPE_CHECKING:
    from lpmsim.results import RunResult
    from lpmsim.scenario import Scenario, ScenarioError, load_scenario, scenario_from_dict
    from lpmsim.world import simulate
    from lpmsim.sweep import SweepResult, simulate_many


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'lpmsim' has no attribute {name!r}")
