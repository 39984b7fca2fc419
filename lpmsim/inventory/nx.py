"""LPM compression and encryption on the NX accelerators (issue 13).

IBM: from firmware FW920 (HMC V9R1.920) on POWER9, the hypervisor compresses and encrypts
partition mobility data with the on-chip NX accelerators, always on, "up to 15x faster on slow
networks" (P. Heyrman, "LPM Improvements in PowerVM 3.1.2", 2021; shared/reference). The wire
then carries each page at its compressed size. The NX units belong to the system (POWER9: per
chip, 2 compression and 2 encryption engines, S20) and serve every migration into or out of it:
a system's ``nx_throughput`` (raw bytes/s) is a pseudo-link ``nx:<system>`` that each
migration's stream crosses on both ends, using ``ratio`` raw bytes of it per byte it sends
(lpmsim.network's link scale), shared max-min. A migration's ``compression`` (> 1) states the
ratio outright, on any system.
"""

from __future__ import annotations

import re

from lpmsim.inventory.models import ManagedSystem, Partition

#: Processor generations whose firmware can compress and encrypt LPM data on the NX units.
NX_PROCESSORS = ("POWER9", "POWER10", "Power11")
#: The first firmware level that does (FW920).
NX_FIRMWARE = 920


def firmware_level(text: str) -> int | None:
    """``"FW950.10"`` -> 950, ``"FW1050"`` -> 1050; None when it names no level."""
    m = re.search(r"FW(\d{3,4})", text.upper())
    return int(m.group(1)) if m else None


def nx_on(system: ManagedSystem) -> bool:
    level = firmware_level(system.firmware)
    return system.processor in NX_PROCESSORS and level is not None and level >= NX_FIRMWARE


def lpm_compression(src: ManagedSystem, dst: ManagedSystem, partition: Partition,
                    requested: float = 1.0) -> tuple[float, bool]:
    """(the ratio the wire sees, whether the NX units are in the data path)."""
    both = nx_on(src) and nx_on(dst)
    if requested > 1.0:
        return requested, both
    return (partition.compressibility if both else 1.0), both


def nx_link(system: ManagedSystem) -> str:
    """The pseudo-link that stands for ``system``'s NX units."""
    return f"nx:{system.name}"


def nx_links(src: ManagedSystem, dst: ManagedSystem) -> tuple[str, ...]:
    """The NX pseudo-links of a stream from ``src`` to ``dst`` (systems whose NX rate is given;
    the others are not a bound)."""
    return tuple(nx_link(s) for s in (src, dst) if s.nx_throughput)


__all__ = ["firmware_level", "lpm_compression", "nx_link", "nx_links", "nx_on"]
