"""A bad scenario is reported whole: every problem with the key path that holds it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str      # e.g. "partitions[db01].workload.rate"
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ScenarioError(ValueError):
    """Raised with every problem found in a scenario (or its overrides) at once."""

    def __init__(self, problems: list[Problem], source: str = "scenario"):
        self.problems = list(problems)
        self.source = source
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s)\n{lines}")
