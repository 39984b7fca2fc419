"""The small closed vocabularies of lpmsim, as string-valued enums.

They compare equal to their strings (``Outcome.COMPLETED == "completed"``), so scenario files,
CSV frames and user code stay readable; the frames store them as categoricals.
"""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    """Active (the partition runs while it moves) or inactive (it is shut down) mobility."""

    ACTIVE = "active"
    INACTIVE = "inactive"


class Outcome(StrEnum):
    """How a migration ended; only the HMC decides it (:mod:`lpmsim.actors.hmc`)."""

    PENDING = "pending"
    COMPLETED = "completed"
    VALIDATION_FAILED = "validation_failed"
    ABORTED = "aborted"
    STOPPED = "stopped"
    LOST = "lost"
    UNFINISHED = "unfinished"


class Stage(StrEnum):
    """Where a byte of memory was sent: before the suspend, while suspended, after resume."""

    PRECOPY = "precopy"
    SUSPENDED = "suspended"
    POSTCOPY = "postcopy"


class FailureKind(StrEnum):
    """What ended a migration early (:class:`lpmsim.actors.causes.Failure`)."""

    LINK = "link"
    MSP = "msp"
    SUSPEND = "suspend"
    MEMORY = "memory"
    STOP = "stop"


class StopReason(StrEnum):
    """Why pre-copy stopped (the policy's answer)."""

    CONVERGED = "converged"
    PASS_LIMIT = "pass_limit"
    TIMEOUT = "timeout"
    POSTCOPY = "postcopy"


__all__ = ["FailureKind", "Mode", "Outcome", "Stage", "StopReason"]
