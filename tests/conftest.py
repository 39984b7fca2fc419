"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import lone

from lpmsim import load_scenario, scenario_from_dict, simulate

ROOT = Path(__file__).parent.parent


@pytest.fixture
def make():
    """``make(**kw)`` -> a validated Scenario for a lone migration."""
    return lambda **kw: scenario_from_dict(lone(**kw))


_SHIPPED: dict[tuple[str, int | None], object] = {}


@pytest.fixture(scope="session")
def shipped():
    """``shipped(path, seed=None)`` -> the RunResult of a shipped scenario, simulated once per
    test session and shared by the modules that read it (golden, scenarios_run)."""
    def run(path, seed: int | None = None):
        key = (str((ROOT / path).resolve()), seed)
        if key not in _SHIPPED:
            _SHIPPED[key] = simulate(load_scenario(ROOT / path), seed=seed)
        return _SHIPPED[key]
    return run
