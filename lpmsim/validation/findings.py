"""Findings: what validation says about a planned migration, one record per problem.

Like the HMC's ``migrlpar -o v``, validation reports every problem at once. A finding names the
object at fault (a system, a VIOS, ``db01/vscsi slot 5``) and says in a sentence what is wrong and
what would fix it. Errors stop the migration; warnings do not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = ["Finding", "Severity", "error", "warning", "would_migrate"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One validation finding.

    ``code`` is a stable identifier (``LMB_SIZE_MISMATCH``) for scripts and tests; ``object`` is
    the thing it names; ``message`` is for people.
    """

    code: str
    severity: Severity
    object: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity.upper()} {self.code} [{self.object}]: {self.message}"


def error(code: str, obj: str, message: str) -> Finding:
    return Finding(code, "error", obj, message)


def warning(code: str, obj: str, message: str) -> Finding:
    return Finding(code, "warning", obj, message)


def would_migrate(findings: Iterable[Finding]) -> bool:
    """True when no finding is an error."""
    return not any(f.severity == "error" for f in findings)
