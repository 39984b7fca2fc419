"""Validation cases: one TOML file each (see ``validation/README`` in the case files' comments)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from lpmsim.scenario import Scenario, ScenarioError, scenario_from_dict

#: Figures a case may publish, and how the simulated value is obtained (see report.simulated).
KNOWN_MEASURES = ("total_time_s", "downtime_s", "bytes_sent", "pages_sent", "passes", "rounds",
                  "round1_pages", "round1_s", "ram_bytes", "syncs", "zero_pages", "setup_s",
                  "converged", "postcopy_s")


class CaseError(ValueError):
    """A case file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    platform: str
    citation: str
    url: str
    path: Path
    scenario: Scenario
    measured: dict[str, float]
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    bounds: dict[str, str] = field(default_factory=dict)
    assumptions: dict[str, str] = field(default_factory=dict)
    message_id: str = ""
    published: str = ""
    family: str = ""  # cases measured the same way share targets (lpmsim.fidelity.targets)
    gap: str = ""     # why a case cannot meet its family's targets (a known gap), if so

    @property
    def migration(self) -> str:
        return self.scenario.migrations[0].partition


def load_case(path: str | Path) -> Case:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CaseError(f"{path}: cannot read the case: {exc}") from None
    for key in ("name", "citation", "scenario", "measured"):
        if key not in raw:
            raise CaseError(f"{path}: required key {key!r} is missing")
    measured_raw = dict(raw["measured"])
    ranges = {k: (float(v[0]), float(v[1])) for k, v in measured_raw.pop("range", {}).items()}
    bounds = dict(measured_raw.pop("bound", {}))
    unknown = sorted(set(measured_raw) - set(KNOWN_MEASURES))
    if unknown:
        raise CaseError(f"{path}: measured.{unknown[0]}: unknown figure; use one of "
                        f"{', '.join(KNOWN_MEASURES)}")
    try:
        scenario = scenario_from_dict(raw["scenario"], source=f"{path} [scenario]")
    except ScenarioError as exc:
        raise CaseError(str(exc)) from None
    if len(scenario.migrations) != 1:
        raise CaseError(f"{path}: scenario.migrations: a case runs exactly one migration")
    return Case(name=raw["name"], title=raw.get("title", raw["name"]),
                platform=raw.get("platform", scenario.migrations[0].policy.preset),
                citation=" ".join(raw["citation"].split()), url=raw.get("url", ""), path=path,
                scenario=scenario, measured={k: float(v) for k, v in measured_raw.items()},
                ranges=ranges, bounds=bounds, assumptions=dict(raw.get("assumptions", {})),
                message_id=raw.get("message_id", ""), published=" ".join(raw.get("published", "").split()),
                family=raw.get("family", ""), gap=raw.get("gap", ""))


def load_cases(folder: str | Path = "validation") -> list[Case]:
    """Every ``*.toml`` case in ``folder``, sorted by file name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CaseError(f"{folder}: no such folder")
    files = sorted(folder.rglob("*.toml"))
    if not files:
        raise CaseError(f"{folder}: no case files (*.toml)")
    return [load_case(f) for f in files]
