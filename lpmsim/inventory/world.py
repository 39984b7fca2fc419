"""The whole inventory of a scenario: every managed system, VIOS, link and partition.

An :class:`Inventory` is frozen; a change (a migration's preparation, completion or abort) makes a
new one, so the inventory before and after a migration can be compared.
"""

from __future__ import annotations

from pydantic import BaseModel

from lpmsim.inventory.models import Link, ManagedSystem, Partition, Vios
from lpmsim.inventory.types import STRICT


class Inventory(BaseModel):
    model_config = STRICT
    systems: tuple[ManagedSystem, ...] = ()
    vios: tuple[Vios, ...] = ()
    links: tuple[Link, ...] = ()
    partitions: tuple[Partition, ...] = ()

    def system(self, name: str) -> ManagedSystem:
        return _find(self.systems, name, "managed system")

    def partition(self, name: str) -> Partition:
        return _find(self.partitions, name, "partition")

    def link(self, name: str) -> Link:
        return _find(self.links, name, "link")

    def one_vios(self, name: str) -> Vios:
        return _find(self.vios, name, "VIOS")

    def vios_of(self, system: str) -> tuple[Vios, ...]:
        return tuple(v for v in self.vios if v.system == system)

    def msps_of(self, system: str) -> tuple[Vios, ...]:
        return tuple(v for v in self.vios if v.system == system and v.msp)

    def partitions_of(self, system: str) -> tuple[Partition, ...]:
        return tuple(p for p in self.partitions if p.system == system)


def _find(items, name: str, what: str):
    for item in items:
        if item.name == name:
            return item
    raise KeyError(f"no {what} named {name!r}")
