"""Validation of one planned migration: every check, and the recommended mappings.

:func:`validate` is ``migrlpar -o v``: it runs every check of :mod:`lpmsim.validation.checks` and
:mod:`lpmsim.validation.io_checks`, recommends adapter mappings (:mod:`lpmsim.validation.mapping`)
and returns all findings at once. :func:`check_migration` returns the mappings too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from lpmsim import kinds
from lpmsim.inventory import Inventory
from lpmsim.inventory.mappings import AdapterMapping, MappingOverride
from lpmsim.validation.checks import SYSTEM_CHECKS, Context
from lpmsim.validation.findings import Finding, error, would_migrate
from lpmsim.validation.io_checks import IO_CHECKS
from lpmsim.validation.mapping import recommend

__all__ = ["Validation", "check_migration", "validate"]

#: the migration mode, as text or as :class:`lpmsim.kinds.Mode` (a str enum)
Mode = Literal["active", "inactive"] | kinds.Mode


@dataclass(frozen=True)
class Validation:
    """The outcome of validating one migration."""

    partition: str
    destination: str
    mode: str
    findings: tuple[Finding, ...]
    mappings: tuple[AdapterMapping, ...] = ()

    @property
    def would_migrate(self) -> bool:
        return would_migrate(self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")


def validate(inventory: Inventory, partition: str, destination: str, mode: Mode = "active", *,
             mappings: Sequence[MappingOverride] | None = None, redundant_paging: int = 2,
             concurrent_active: int = 0, concurrent_inactive: int = 0, mpio: int = 2,
             vlan_bridge: int = 1, dest_id: int | None = None) -> list[Finding]:
    """Every finding about migrating ``partition`` to ``destination``; see :func:`check_migration`."""
    return list(check_migration(
        inventory, partition, destination, mode, mappings=mappings,
        redundant_paging=redundant_paging, concurrent_active=concurrent_active,
        concurrent_inactive=concurrent_inactive, mpio=mpio, vlan_bridge=vlan_bridge,
        dest_id=dest_id).findings)


def check_migration(inventory: Inventory, partition: str, destination: str, mode: Mode = "active", *,
                    mappings: Sequence[MappingOverride] | None = None, redundant_paging: int = 2,
                    concurrent_active: int = 0, concurrent_inactive: int = 0, mpio: int = 2,
                    vlan_bridge: int = 1, dest_id: int | None = None) -> Validation:
    """Validate a migration and recommend its adapter mappings.

    ``mode``: "active" or "inactive". ``mappings``: user mappings (others are recommended).
    ``redundant_paging``: 0 none, 1 required, 2 if possible (AMS paging VIOS on the
    destination). ``concurrent_active``/``concurrent_inactive``: migrations already running on
    the systems. ``mpio``/``vlan_bridge``: 1 required (error), 2 if possible (warning).
    ``dest_id``: the partition ID wanted on the destination. Raises ValueError for a bad
    ``mode`` or option value; a missing partition or system is a finding.
    """
    _check_options(mode, redundant_paging, mpio, vlan_bridge)

    def done(*findings: Finding, maps: tuple[AdapterMapping, ...] = ()) -> Validation:
        return Validation(partition, destination, mode, tuple(findings), maps)

    part = inventory.find_partition(partition)
    if part is None:
        return done(error("PARTITION_NOT_FOUND", partition, f"There is no partition named {partition}."))
    src, dst = inventory.find_system(part.system), inventory.find_system(destination)
    missing = [error("SYSTEM_NOT_FOUND", name, f"There is no managed system named {name}.")
               for name, s in ((part.system, src), (destination, dst)) if s is None]
    if missing or src is None or dst is None:
        return done(*missing)
    if src.name == dst.name:
        return done(error("SAME_SYSTEM", destination,
                          f"{partition} already runs on {destination}; choose another destination."))
    ctx = Context(inventory, part, src, dst, mode, redundant_paging, concurrent_active,
                  concurrent_inactive, mpio, vlan_bridge, dest_id)
    findings = [f for check in (*SYSTEM_CHECKS, *IO_CHECKS) for f in check(ctx)]
    maps, map_findings = recommend(inventory, partition, destination, mappings, mpio=mpio)
    return done(*findings, *map_findings, maps=maps)


def _check_options(mode: str, redundant_paging: int, mpio: int, vlan_bridge: int) -> None:
    if mode not in ("active", "inactive"):
        raise ValueError(f'"mode" must be "active" or "inactive", got {mode!r}.')
    if redundant_paging not in (0, 1, 2):
        raise ValueError(f'"redundant_paging" must be 0, 1 or 2, got {redundant_paging!r}.')
    if mpio not in (1, 2):
        raise ValueError(f'"mpio" must be 1 or 2, got {mpio!r}.')
    if vlan_bridge not in (1, 2):
        raise ValueError(f'"vlan_bridge" must be 1 or 2, got {vlan_bridge!r}.')
