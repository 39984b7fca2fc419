"""The whole inventory of a scenario: every managed system, VIOS, link and partition.

An :class:`Inventory` is frozen; a change (a migration's preparation, completion or abort) makes a
new one, so the inventory before and after a migration can be compared
(:mod:`lpmsim.inventory.changes`).

Free memory and processors are derived, not declared: a system's installed amount less what the
hypervisor and VIOS reserve, less the AMS pool, less every activated partition (and every shell
partition prepared for an active migration). A partition that is "not activated" holds nothing.
The server adapters, used virtual slots and VTD names of a VIOS are derived from the partitions'
client adapters plus what the VIOS declares for clients outside the scenario.
"""

from __future__ import annotations

from pydantic import BaseModel

from lpmsim.inventory.hosting import ServerAdapter
from lpmsim.inventory.models import Link, ManagedSystem, Partition, Vios
from lpmsim.inventory.types import STRICT


class Inventory(BaseModel):
    model_config = STRICT
    systems: tuple[ManagedSystem, ...] = ()
    vios: tuple[Vios, ...] = ()
    links: tuple[Link, ...] = ()
    partitions: tuple[Partition, ...] = ()
    #: Destination shell partitions of migrations in progress (seed step 5); made by
    #: :func:`lpmsim.inventory.changes.prepare`, not written in scenarios.
    shells: tuple[Partition, ...] = ()

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

    def find_system(self, name: str) -> ManagedSystem | None:
        return next((s for s in self.systems if s.name == name), None)

    def find_partition(self, name: str) -> Partition | None:
        return next((p for p in self.partitions if p.name == name), None)

    def find_vios(self, name: str) -> Vios | None:
        return next((v for v in self.vios if v.name == name), None)

    def shell(self, name: str) -> Partition | None:
        """The destination shell of partition ``name`` while it migrates, else None."""
        return next((p for p in self.shells if p.name == name), None)

    # -- derived resources -------------------------------------------------------------------

    def _assigned(self, system: str) -> list[Partition]:
        return [p for p in (*self.partitions, *self.shells)
                if p.system == system and p.state == "running"]

    def free_memory(self, system: str) -> int:
        """Memory no partition, shell, VIOS, hypervisor or AMS pool holds (bytes)."""
        s = self.system(system)
        used = sum(p.memory for p in self._assigned(system) if not p.shared_memory)
        return s.memory - s.reserved_memory - s.shared_memory_pool - used

    def free_processors(self, system: str) -> float:
        s = self.system(system)
        return s.processors - s.reserved_processors - sum(p.processors for p in self._assigned(system))

    def server_adapters(self, vios: str) -> tuple[ServerAdapter, ...]:
        """The virtual server adapters on ``vios`` of the partitions (and shells) listed."""
        out = []
        for p in (*self.partitions, *self.shells):
            out += [ServerAdapter("vscsi", a.vios_slot, p.name, a.slot,
                                  vtds=tuple(d.vtd for d in a.devices))
                    for a in p.virtual_scsi_adapters if a.vios == vios]
            out += [ServerAdapter("vfc", a.vios_slot, p.name, a.slot, port=a.port)
                    for a in p.virtual_fc_adapters if a.vios == vios]
        return tuple(sorted(out, key=lambda a: a.slot))

    def used_slots(self, vios: str, *, ignore: str = "") -> frozenset[int]:
        """Virtual slots in use on ``vios``; ``ignore`` leaves out one partition's adapters."""
        v = self.one_vios(vios)
        mine = {a.slot for a in self.server_adapters(vios) if a.client != ignore}
        return frozenset({0, 1, *v.slots_in_use, *mine})

    def vtd_names(self, vios: str, *, ignore: str = "") -> frozenset[str]:
        """User-defined VTD names in use on ``vios``."""
        v = self.one_vios(vios)
        mine = {n for a in self.server_adapters(vios) if a.client != ignore for n in a.vtds}
        return frozenset(n for n in (*v.vtds, *mine) if n)


def _find(items, name: str, what: str):
    for item in items:
        if item.name == name:
            return item
    raise KeyError(f"no {what} named {name!r}")
