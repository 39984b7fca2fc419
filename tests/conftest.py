"""Shared fixtures."""

from __future__ import annotations

import pytest
from builders import lone

from lpmsim import scenario_from_dict


@pytest.fixture
def make():
    """``make(**kw)`` -> a validated Scenario for a lone migration."""
    return lambda **kw: scenario_from_dict(lone(**kw))
