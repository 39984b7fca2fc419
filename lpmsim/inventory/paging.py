"""Paging devices of an Active Memory Sharing (AMS) pool: which one a partition gets, and release.

A shared-memory partition pages to its own paging space device, served by a paging VIOS. A device
that two paging VIOS of the system see can be used with redundant paging VIOS: if the primary
fails, the hypervisor pages through the other (S3 Mig_PagingVIOSRedundancy). A migration needs a
free device of at least the partition's memory in the destination pool (S3), and at completion
the source device is deactivated and released for other partitions (IBM docs step 9).
"""

from __future__ import annotations

from dataclasses import dataclass

from lpmsim.inventory.world import Inventory

__all__ = ["PoolDevice", "assign_paging", "choose_paging_device", "pool_devices", "release_paging"]


@dataclass(frozen=True)
class PoolDevice:
    device: str
    size: int
    vios: tuple[str, ...]   # the paging VIOS that see it
    partition: str          # "" when free

    @property
    def redundant(self) -> bool:
        return len(self.vios) >= 2


def pool_devices(inv: Inventory, system: str) -> tuple[PoolDevice, ...]:
    """Every paging device of the system's pool, in the order the VIOS list them."""
    seen: dict[str, PoolDevice] = {}
    for v in inv.vios_of(system):
        for d in v.paging_devices:
            old = seen.get(d.device)
            if old is None:
                seen[d.device] = PoolDevice(d.device, d.size, (v.name,), d.partition)
            else:
                seen[d.device] = PoolDevice(d.device, min(old.size, d.size), (*old.vios, v.name),
                                            old.partition or d.partition)
    return tuple(seen.values())


def choose_paging_device(inv: Inventory, system: str, size: int,
                         redundant_paging: int = 2) -> PoolDevice | None:
    """The smallest free device of at least ``size`` bytes, or None.

    ``redundant_paging``: 1 only a device two VIOS see; 2 such a device if there is one, else
    any; 0 a device only one VIOS sees if there is one, else any.
    """
    free = sorted((d for d in pool_devices(inv, system) if not d.partition and d.size >= size),
                  key=lambda d: d.size)
    redundant = [d for d in free if d.redundant]
    single = [d for d in free if not d.redundant]
    order = {1: redundant, 2: redundant + single, 0: single + redundant}[redundant_paging]
    return order[0] if order else None


def _set_user(inv: Inventory, system: str, match, partition: str) -> Inventory:
    vios = []
    for v in inv.vios:
        if v.system == system and any(match(d) for d in v.paging_devices):
            devices = tuple(d.model_copy(update={"partition": partition}) if match(d) else d
                            for d in v.paging_devices)
            v = v.model_copy(update={"paging_devices": devices})
        vios.append(v)
    return inv.model_copy(update={"vios": tuple(vios)})


def assign_paging(inv: Inventory, system: str, device: str, partition: str) -> Inventory:
    """``device`` of ``system``'s pool now pages ``partition``."""
    return _set_user(inv, system, lambda d: d.device == device, partition)


def release_paging(inv: Inventory, system: str, partition: str) -> Inventory:
    """Every device of ``system``'s pool used by ``partition`` is free again."""
    return _set_user(inv, system, lambda d: d.partition == partition, "")
