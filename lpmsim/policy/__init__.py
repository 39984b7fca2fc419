"""Convergence policies (pluggable): when to stop pre-copy, what to send while suspended."""

from lpmsim.kinds import StopReason
from lpmsim.policy.base import PassPolicy, Policy, WindowPolicy
from lpmsim.policy.presets import PowerVM, Qemu, Xen, make_policy

__all__ = ["PassPolicy", "Policy", "PowerVM", "Qemu", "StopReason", "WindowPolicy", "Xen",
           "make_policy"]
