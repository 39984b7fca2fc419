"""Convergence policies (pluggable): when to stop pre-copy, what to send while suspended."""

from lpmsim.policy.base import Policy, Progress, StopReason
from lpmsim.policy.presets import PowerVM, Qemu, Xen, make_policy

__all__ = ["Policy", "PowerVM", "Progress", "Qemu", "StopReason", "Xen", "make_policy"]
