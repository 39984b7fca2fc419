"""Validation cases: one TOML file each (see ``validation/README`` in the case files' comments)."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from lpmsim.files import read_text
from lpmsim.scenario import Scenario, ScenarioError, scenario_from_dict

#: Figures a case may publish, and how the simulated value is obtained (see report.simulated).
KNOWN_MEASURES = ("total_time_s", "downtime_s", "bytes_sent", "pages_sent", "passes", "rounds",
                  "round1_pages", "round1_s", "ram_bytes", "syncs", "zero_pages", "setup_s",
                  "converged", "postcopy_s", "demand_requests", "rate_drop", "stall_s")


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
    #: metric -> seconds of the measurement window it was measured over (rate_drop)
    windows: dict[str, float] = field(default_factory=dict)
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
        raw = tomllib.loads(read_text(path))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CaseError(f"{path}: cannot read the case: {exc}") from None
    if problems := _shape_problems(raw):
        raise CaseError(f"{path}: " + f"\n{path}: ".join(problems))
    measured_raw = dict(raw["measured"])
    ranges = {k: (float(v[0]), float(v[1])) for k, v in measured_raw.pop("range", {}).items()}
    bounds = dict(measured_raw.pop("bound", {}))
    windows = {k: float(v) for k, v in measured_raw.pop("window", {}).items()}
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
                ranges=ranges, bounds=bounds, windows=windows, assumptions=dict(raw.get("assumptions", {})),
                message_id=raw.get("message_id", ""), published=" ".join(raw.get("published", "").split()),
                family=raw.get("family", ""), gap=raw.get("gap", ""))


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _shape_problems(raw: dict) -> list[str]:
    """Every key of a case file that is missing or of the wrong kind, at once."""
    out = [f"required key {k!r} is missing" for k in ("name", "citation", "scenario", "measured")
           if k not in raw]
    out += [f"{k} must be text" for k in ("name", "citation", "title", "url", "family", "gap",
                                          "platform", "message_id", "published")
            if k in raw and not isinstance(raw[k], str)]
    if "scenario" in raw and not isinstance(raw["scenario"], dict):
        out.append("scenario must be a table")
    if "assumptions" in raw and not isinstance(raw["assumptions"], dict):
        out.append("assumptions must be a table")
    measured = raw.get("measured", {})
    if not isinstance(measured, dict):
        return out + [f"measured must be a table of figures, got {measured!r}"]
    ranges, bounds = measured.get("range", {}), measured.get("bound", {})
    windows = measured.get("window", {})
    for k, v in measured.items():
        if k in ("range", "bound", "window"):
            continue
        if k not in KNOWN_MEASURES:
            out.append(f"measured.{k}: unknown figure; use one of {', '.join(KNOWN_MEASURES)}")
        elif not _number(v):
            out.append(f"measured.{k}: must be a finite number, got {v!r}")
    if not isinstance(ranges, dict):
        out.append(f"measured.range must be a table of [low, high] pairs, got {ranges!r}")
    else:
        out += [f"measured.range.{k}: must be [low, high] numbers, got {v!r}"
                for k, v in ranges.items()
                if not (isinstance(v, list) and len(v) == 2 and all(map(_number, v)))]
    if not isinstance(windows, dict):
        out.append(f"measured.window must be a table of seconds, got {windows!r}")
    else:
        out += [f"measured.window.{k}: must be a number of seconds > 0, got {v!r}"
                for k, v in windows.items() if not (_number(v) and v > 0)]
    if not isinstance(bounds, dict):
        out.append(f"measured.bound must be a table of 'lower' / 'upper', got {bounds!r}")
    else:
        out += [f"measured.bound.{k}: must be 'lower' or 'upper', got {v!r}"
                for k, v in bounds.items() if v not in ("lower", "upper")]
    return out


def load_cases(folder: str | Path = "validation") -> list[Case]:
    """Every ``*.toml`` case in ``folder``, sorted by file name; the problems of every file at
    once."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CaseError(f"{folder}: no such folder")
    files = sorted(folder.rglob("*.toml"))
    if not files:
        raise CaseError(f"{folder}: no case files (*.toml)")
    cases, problems = [], []
    for f in files:
        try:
            cases.append(load_case(f))
        except CaseError as exc:
            problems.append(str(exc))
    if problems:
        raise CaseError("\n".join(problems))
    return cases
