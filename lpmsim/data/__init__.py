"""Data shipped with the package: the example scenarios and the validation cases, so that
``pip install`` users can run ``lpmsim run flagship`` and ``lpmsim fidelity`` without a clone
(in a clone, ``scenarios/`` and ``validation/`` link here)."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios"
VALIDATION = HERE / "validation"


def scenario_path(name: str) -> Path | None:
    """The shipped scenario called ``name`` (``flagship`` or ``flagship.toml``), if any."""
    stem = name[:-5] if name.endswith(".toml") else name
    path = SCENARIOS / f"{stem}.toml"
    return path if "/" not in stem and path.is_file() else None
