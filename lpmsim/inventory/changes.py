"""What a migration does to the inventory, step by step (seed steps 5, 6, 9, 10, and abort).

Each function takes an :class:`Inventory` and returns a new one; nothing is changed in place, so
the inventory before and after each step can be kept and compared.

- :func:`prepare` (step 5): the HMC creates the *shell partition* on the destination, with its
  client adapters mapped to server adapters on the destination VIOS. For an active migration the
  shell holds the partition's memory and processors there, and a shared-memory partition gets a
  free paging device of the destination pool. The source is not touched: it stays authoritative
  until the migration completes.
- :func:`transfer_profiles` (step 6): every profile moves to the shell; the active one is
  rewritten to the new mappings (IBM docs, "Partition Mobility process"; S3 Mig_Profiles).
- :func:`complete` (step 9): the shell becomes the partition, and with it go the server adapters
  on the source VIOS (they are derived from the partition's adapters), the source's memory and
  processors, and a shared-memory partition's source paging device, which is released. The
  vFC WWPNs swap roles: the one logged in on the destination is now the active one. Dedicated
  physical I/O adapters (slots of the source frame) do not follow.
- :func:`activate` (step 10, inactive only): processors and memory, unassigned until now, are
  assigned on the destination.
- :func:`abort`: the shell and what it held on the destination go; the source is as before.

Everything a migration keeps (client slots, server slots when free, user-defined VTD names,
adapter order) is kept both ways, so migrating A to B and back gives the inventory it started
from.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from lpmsim.inventory.adapters import Profile, VirtualFcAdapter, VirtualScsiAdapter
from lpmsim.inventory.mappings import AdapterMapping
from lpmsim.inventory.models import Partition, Vios
from lpmsim.inventory.paging import assign_paging, choose_paging_device, release_paging
from lpmsim.inventory.world import Inventory

__all__ = ["abort", "activate", "complete", "destination_id", "prepare", "transfer_profiles"]


def destination_id(inv: Inventory, partition: str, destination: str,
                   requested: int | None = None) -> int | None:
    """The partition ID on the destination: ``requested``, else its own if free, else the lowest
    free one. None when the partition has no ID and none was requested."""
    if requested is not None:
        return requested
    own = inv.partition(partition).id
    if own is None:
        return None
    hosted: list[Partition | Vios] = [*inv.partitions, *inv.shells, *inv.vios]
    used = {x.id for x in hosted
            if x.system == destination and x.id is not None and x.name != partition}
    if own not in used:
        return own
    return next(i for i in range(1, len(used) + 2) if i not in used)


def prepare(inv: Inventory, partition: str, destination: str,
            mappings: Iterable[AdapterMapping], *, dest_id: int | None = None,
            redundant_paging: int = 2) -> Inventory:
    """Step 5: the destination shell partition and its server adapters on the destination VIOS.

    Raises ValueError when the partition already has a shell or an adapter lacks a mapping.
    """
    part = inv.partition(partition)
    if inv.shell(partition) is not None:
        raise ValueError(f"partition {partition!r} is already being migrated")
    by_slot = {m.slot: m for m in mappings}
    shell = part.model_copy(update={
        "system": destination,
        "id": destination_id(inv, partition, destination, dest_id),
        "profiles": (),
        "io_slots": (),
        "virtual_scsi_adapters": tuple(_map_scsi(a, _mapping(by_slot, a.slot, partition))
                                       for a in part.virtual_scsi_adapters),
        "virtual_fc_adapters": tuple(_map_fc(a, _mapping(by_slot, a.slot, partition))
                                     for a in part.virtual_fc_adapters),
    })
    out = inv.model_copy(update={"shells": (*inv.shells, shell)})
    if part.shared_memory and part.state == "running":
        device = choose_paging_device(out, destination, part.memory, redundant_paging)
        if device is None:
            raise ValueError(f"no free paging device of {part.memory} bytes on {destination!r}")
        out = assign_paging(out, destination, device.device, partition)
    return out


def transfer_profiles(inv: Inventory, partition: str) -> Inventory:
    """Step 6: all profiles move to the shell, the active one rewritten to the new mappings."""
    part, shell = inv.partition(partition), _shell(inv, partition)
    moved = shell.model_copy(update={"profiles": _moved_profiles(part, shell)})
    return _replace_shell(inv, moved)


def complete(inv: Inventory, partition: str) -> Inventory:
    """Step 9: the partition is now the destination's; the source reclaims what it held."""
    part, shell = inv.partition(partition), _shell(inv, partition)
    final = shell.model_copy(update={"profiles": _moved_profiles(part, shell)})
    out = inv.model_copy(update={
        "partitions": tuple(final if p.name == partition else p for p in inv.partitions),
        "shells": tuple(s for s in inv.shells if s.name != partition),
    })
    if part.shared_memory:
        out = release_paging(out, part.system, partition)
    return out


def activate(inv: Inventory, partition: str, *, redundant_paging: int = 2) -> Inventory:
    """Step 10: a partition migrated inactive gets its processors and memory (and, shared
    memory, a paging device). Raises ValueError when it is running or the system lacks them."""
    part = inv.partition(partition)
    if part.state == "running":
        raise ValueError(f"partition {partition!r} is already running")
    if not part.shared_memory and inv.free_memory(part.system) < part.memory:
        raise ValueError(f"system {part.system!r} lacks free memory to activate {partition!r}")
    if inv.free_processors(part.system) < part.processors - 1e-9:
        raise ValueError(f"system {part.system!r} lacks free processors to activate {partition!r}")
    running = part.model_copy(update={"state": "running"})
    out = inv.model_copy(update={
        "partitions": tuple(running if p.name == partition else p for p in inv.partitions)})
    if part.shared_memory and not any(d.partition == partition for v in inv.vios_of(part.system)
                                      for d in v.paging_devices):
        device = choose_paging_device(out, part.system, part.memory, redundant_paging)
        if device is None:
            raise ValueError(f"no free paging device to activate {partition!r}")
        out = assign_paging(out, part.system, device.device, partition)
    return out


def shutdown(inv: Inventory, partition: str) -> Inventory:
    """Step 2 of an inactive migration: the partition is shut down ("not activated"); it no
    longer holds processors or memory."""
    part = inv.partition(partition)
    down = part.model_copy(update={"state": "not activated"})
    return inv.model_copy(update={
        "partitions": tuple(down if p.name == partition else p for p in inv.partitions)})


def abort(inv: Inventory, partition: str) -> Inventory:
    """The migration stops before completion: the destination loses the shell and what it
    held; the source was never changed. Without a shell, nothing changes."""
    shell = inv.shell(partition)
    if shell is None:
        return inv
    out = inv.model_copy(update={"shells": tuple(s for s in inv.shells if s.name != partition)})
    return release_paging(out, shell.system, partition) if shell.shared_memory else out


# -- helpers -----------------------------------------------------------------------------------

def _shell(inv: Inventory, partition: str) -> Partition:
    shell = inv.shell(partition)
    if shell is None:
        raise ValueError(f"partition {partition!r} has no destination shell; prepare it first")
    return shell


def _replace_shell(inv: Inventory, shell: Partition) -> Inventory:
    return inv.model_copy(update={
        "shells": tuple(shell if s.name == shell.name else s for s in inv.shells)})


def _mapping(by_slot: dict[int, AdapterMapping], slot: int, partition: str) -> AdapterMapping:
    m = by_slot.get(slot)
    if m is None or not m.hosted:
        raise ValueError(f"{partition}: virtual slot {slot} has no destination mapping")
    return m


def _map_scsi(a: VirtualScsiAdapter, m: AdapterMapping) -> VirtualScsiAdapter:
    names = dict(m.vtds)
    devices = tuple(d.model_copy(update={"vtd": names.get(d.lun, "")}) for d in a.devices)
    return a.model_copy(update={"vios": m.vios, "vios_slot": m.vios_slot, "devices": devices})


def _map_fc(a: VirtualFcAdapter, m: AdapterMapping) -> VirtualFcAdapter:
    # The destination logs in the inactive WWPN, which becomes the active one; the old active
    # one is zoned to the partition's storage.
    return a.model_copy(update={"vios": m.vios, "vios_slot": m.vios_slot, "port": m.port,
                                "wwpns": (a.wwpns[1], a.wwpns[0]), "inactive_storage": None})


def _as_mapping(kind: Literal["vscsi", "vfc"], a, target) -> AdapterMapping:
    vtds = tuple((d.lun, d.vtd) for d in getattr(target, "devices", ()))
    return AdapterMapping(kind, a.slot, a.vios, a.vios_slot, target.vios, target.vios_slot,
                          port=getattr(target, "port", ""), vtds=vtds)


def _moved_profiles(part: Partition, shell: Partition) -> tuple[Profile, ...]:
    """The partition's profiles, the active one rewritten to the shell's adapter mappings."""
    active = part.profile()
    if active is None:
        return part.profiles
    scsi = {a.slot: a for a in shell.virtual_scsi_adapters}
    fc = {a.slot: a for a in shell.virtual_fc_adapters}
    update: dict = {}
    if active.virtual_scsi_adapters is not None:
        update["virtual_scsi_adapters"] = tuple(
            _map_scsi(a, _as_mapping("vscsi", a, scsi[a.slot])) if a.slot in scsi else a
            for a in active.virtual_scsi_adapters)
    if active.virtual_fc_adapters is not None:
        update["virtual_fc_adapters"] = tuple(
            _map_fc(a, _as_mapping("vfc", a, fc[a.slot])) if a.slot in fc else a
            for a in active.virtual_fc_adapters)
    if active.io_slots is not None:
        update["io_slots"] = ()
    rewritten = active.model_copy(update=update)
    return tuple(rewritten if p.name == active.name else p for p in part.profiles)
