"""Recommended virtual adapter mappings (seed step 4).

The HMC reads which disks and fabrics each destination VIOS can reach, works out which of them
can host each of the partition's vSCSI and vFC client adapters, and proposes one mapping per
adapter while listing all the possible ones. Where possible it preserves (IBM docs "Partition
Mobility process", step 4):

- multipath I/O: adapters reaching the same disks through different source VIOS go to different
  destination VIOS;
- the virtual slot numbers of the server adapters on the VIOS (the "adapter IDs" of the server
  adapters: an HMC adapter ID is its slot number; client slots never change);
- user-defined names of virtual target devices, never ``vtscsiN`` ones.

A destination VIOS can host a vSCSI adapter if it has an RMC connection, sees every backing LUN
and has a free virtual slot; a vFC adapter if it has an RMC connection, an NPIV port on the fabric
of the source port, and a free slot. Among the possible assignments of a multipath group the HMC
here picks, in this order: the most adapters with a free slot, the most distinct destination
VIOS, the most preserved slots, the most preserved VTD names, the most VIOS in the same position
as on the source (the first source VIOS to the first destination VIOS, so that a migration back
returns to where it came from), the earliest VIOS.

User mappings (:class:`MappingOverride`) are checked like the HMC checks ``-i`` mappings, and
fix their adapters before the rest is recommended.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from lpmsim.inventory import Inventory, Partition, Vios
from lpmsim.inventory.adapters import is_generated_vtd
from lpmsim.inventory.mappings import AdapterMapping, Candidate, MappingOverride
from lpmsim.validation.findings import Finding, error, warning

__all__ = ["recommend", "recommended_mappings"]

_NO_SLOT = "has no free virtual slot"
_MAX_COMBINATIONS = 4096


@dataclass
class _Adapter:
    kind: Literal["vscsi", "vfc"]
    slot: int
    vios: str
    vios_slot: int
    luns: frozenset[str]
    label: str
    fabric: str = ""
    port: str = ""
    vtds: tuple[tuple[str, str], ...] = ()          # (lun, source VTD name)
    local: bool = False                              # a backing device that cannot move
    unknown: bool = False                            # source VIOS or port not in the inventory
    hosts: dict[str, str] = field(default_factory=dict)   # dest VIOS -> "" or why not
    fixed: MappingOverride | None = None


def recommended_mappings(inv: Inventory, partition: str, destination: str,
                         mappings: Sequence[MappingOverride] | None = None) -> tuple[AdapterMapping, ...]:
    """The mapping of every vSCSI and vFC adapter of ``partition`` to ``destination``."""
    return recommend(inv, partition, destination, mappings)[0]


def recommend(inv: Inventory, partition: str, destination: str,
              mappings: Sequence[MappingOverride] | None = None, *,
              mpio: int = 2) -> tuple[tuple[AdapterMapping, ...], list[Finding]]:
    """Mappings and the findings about them (unhostable adapters, bad user mappings, lost
    multipathing: an error with ``mpio=1``, a warning with ``mpio=2``)."""
    part = inv.partition(partition)
    planner = _Planner(inv, part, destination)
    findings = planner.fix(mappings or ())
    for group in _groups(planner.adapters):
        planner.assign(group)
    planner.finish()
    findings += _merge_slot_findings(planner.findings)
    findings += _mpio_findings(planner, mpio)
    return tuple(planner.results), findings


class _Planner:
    def __init__(self, inv: Inventory, part: Partition, destination: str):
        self.inv, self.part = inv, part
        self.dest = inv.vios_of(destination)
        self.dest_index = {v.name: i for i, v in enumerate(self.dest)}
        self.src_index = {v.name: i for i, v in enumerate(inv.vios_of(part.system))}
        self.used = {v.name: set(inv.used_slots(v.name, ignore=part.name)) for v in self.dest}
        self.names = {v.name: set(inv.vtd_names(v.name, ignore=part.name)) for v in self.dest}
        self.adapters = _adapters(inv, part)
        for a in self.adapters:
            a.hosts = {v.name: _why_not(a, v, self.used[v.name]) for v in self.dest}
        self.chosen: dict[int, str | None] = {}
        self.claimed: set[tuple[str, int]] = set()     # (VIOS, slot) kept by an earlier group
        self.load: dict[str, int] = {}                  # adapters given to a VIOS so far
        self.free: dict[str, int] = {}                  # free slots of each VIOS (see assign)
        self.results: list[AdapterMapping] = []
        self.findings: list[Finding] = []

    # -- user mappings --------------------------------------------------------------------

    def fix(self, overrides: Iterable[MappingOverride]) -> list[Finding]:
        out: list[Finding] = []
        by_slot = {a.slot: a for a in self.adapters}
        name = self.part.name
        for o in overrides:
            a = by_slot.get(o.adapter)
            where = f"{name}/slot {o.adapter}"
            if a is None:
                out.append(error("MAPPING_UNKNOWN_ADAPTER", where,
                                 f"{name} has no virtual SCSI or Fibre Channel adapter in slot {o.adapter}."))
            elif a.fixed is not None:
                out.append(error("MAPPING_DUPLICATE", a.label, f"{a.label} is mapped twice."))
            elif o.vios not in a.hosts:
                out.append(error("MAPPING_NOT_POSSIBLE", a.label,
                                 f"{o.vios} is not a VIOS of the destination system."))
            elif a.hosts[o.vios]:
                out.append(error("MAPPING_NOT_POSSIBLE", a.label,
                                 f"{o.vios} cannot host {a.label}: it {a.hosts[o.vios]}."))
            elif o.slot is not None and (o.slot in self.used[o.vios]
                                         or o.slot >= self._vios(o.vios).max_virtual_slots):
                out.append(error("MAPPING_SLOT_IN_USE", a.label,
                                 f"Virtual slot {o.slot} of {o.vios} is in use or beyond its maximum."))
            elif o.port is not None and a.kind == "vfc" and not _port_ok(self._vios(o.vios), o.port, a.fabric):
                out.append(error("MAPPING_PORT_INVALID", a.label,
                                 f"{o.vios} has no NPIV port {o.port} on fabric {a.fabric or '(unnamed)'}."))
            else:
                a.fixed = o
                if o.slot is not None:
                    self.used[o.vios].add(o.slot)
        return out

    # -- recommendation -------------------------------------------------------------------

    def options(self, a: _Adapter) -> list[str | None]:
        if a.fixed is not None:
            return [a.fixed.vios]
        ok: list[str | None] = [v.name for v in self.dest
                                if not a.hosts[v.name] and self._pick_slot(v.name, 2) is not None]
        return ok or [None]

    def score(self, group: list[_Adapter], combo: Sequence[str | None]) -> tuple:
        taken: set[tuple[str, int]] = set()
        named: set[tuple[str, str]] = set()
        preserved = names = mirror = order = 0
        load: dict[str, int] = {}
        for v in combo:
            if v is not None:
                load[v] = load.get(v, 0) + 1
        fits = sum(min(n, self._room(v)) for v, n in load.items())
        for a, v in zip(group, combo):
            if v is None:
                continue
            if (v, a.vios_slot) not in taken and self._keeps_slot(v, a.vios_slot):
                preserved += 1
                taken.add((v, a.vios_slot))
            for _, name in a.vtds:
                if not is_generated_vtd(name) and name not in self.names[v] and (v, name) not in named:
                    names += 1
                    named.add((v, name))
            mirror += self.src_index.get(a.vios, -1) == self.dest_index[v]
            order -= self.dest_index[v]
        return (fits, len(load), preserved, names, mirror, order)

    def assign(self, group: list[_Adapter]) -> None:
        """Choose a destination VIOS for each adapter of a multipath group."""
        self.free = {v.name: sum(1 for s in range(2, v.max_virtual_slots) if s not in self.used[v.name])
                     for v in self.dest}
        choices = [self.options(a) for a in group]
        n = 1
        for c in choices:
            n *= len(c)
        if n <= _MAX_COMBINATIONS:
            best = max(itertools.product(*choices), key=lambda c: self.score(group, c))
        else:   # greedy, adapter by adapter
            greedy: list[str | None] = []
            for a, c in zip(group, choices):
                greedy.append(max(c, key=lambda v: self.score(group[:len(greedy) + 1], [*greedy, v])))
            best = tuple(greedy)
        for a, v in zip(group, best):
            self.chosen[a.slot] = v
            if v is not None:
                self.load[v] = self.load.get(v, 0) + 1
                if self._keeps_slot(v, a.vios_slot):
                    self.claimed.add((v, a.vios_slot))

    def finish(self) -> None:
        """Slots (user's, then preserved, then the lowest free), ports and VTD names."""
        possible = {a.slot: tuple(Candidate(x.name, self._pick_slot(x.name, a.vios_slot) or 0,
                                            _pick_port(x, a) if a.kind == "vfc" else "")
                                  for x in self.dest if not a.hosts[x.name])
                    for a in self.adapters}
        slots: dict[int, int] = {}
        for a in self.adapters:
            v = self.chosen.get(a.slot)
            if v is not None and a.fixed is not None and a.fixed.slot is not None:
                slots[a.slot] = a.fixed.slot
        for a in self.adapters:
            v = self.chosen.get(a.slot)
            if v is not None and a.slot not in slots and self._slot_free(v, a.vios_slot):
                slots[a.slot] = a.vios_slot
                self.used[v].add(a.vios_slot)
        for a in self.adapters:
            v = self.chosen.get(a.slot)
            if v is not None and a.slot not in slots and (slot := self._pick_slot(v, a.vios_slot)):
                slots[a.slot] = slot
                self.used[v].add(slot)
        for a in self.adapters:
            self.results.append(self.place(a, self.chosen.get(a.slot), slots.get(a.slot),
                                           possible[a.slot]))

    def place(self, a: _Adapter, v: str | None, slot: int | None,
              possible: tuple[Candidate, ...]) -> AdapterMapping:
        if v is None:
            self.findings += self._unhostable(a)
            return AdapterMapping(a.kind, a.slot, a.vios, a.vios_slot, None, None, possible=possible)
        if slot is None:
            self.findings.append(_no_slots(v, a))
            return AdapterMapping(a.kind, a.slot, a.vios, a.vios_slot, None, None, possible=possible)
        port = ""
        if a.kind == "vfc":
            port = a.fixed.port if a.fixed and a.fixed.port else _pick_port(self._vios(v), a)
        return AdapterMapping(a.kind, a.slot, a.vios, a.vios_slot, v, slot, port=port,
                              vtds=self._names(a, v), possible=possible, user=a.fixed is not None)

    def _names(self, a: _Adapter, v: str) -> tuple[tuple[str, str], ...]:
        out = []
        for lun, name in a.vtds:
            keep = not is_generated_vtd(name) and name not in self.names[v]
            if keep:
                self.names[v].add(name)
            elif not is_generated_vtd(name):
                self.findings.append(warning(
                    "VTD_NAME_NOT_PRESERVED", a.label,
                    f"The virtual target device name {name} is already used on {v}; "
                    f"the VIOS will name the device for LUN {lun} itself."))
            out.append((lun, name if keep else ""))
        return tuple(out)

    def _unhostable(self, a: _Adapter) -> list[Finding]:
        if a.local or a.unknown:
            return []   # reported by the storage and VIOS checks
        what = "virtual SCSI" if a.kind == "vscsi" else "virtual Fibre Channel"
        if not self.dest:
            return [error(f"{a.kind.upper()}_NOT_HOSTABLE", a.label,
                          f"The destination system has no VIOS to host the {what} adapter.")]
        if a.kind == "vscsi":
            seen = set().union(*(set(v.storage) for v in self.dest))
            if missing := sorted(a.luns - seen):
                return [error("VSCSI_DEVICE_NOT_VISIBLE", a.label,
                              f"No destination VIOS sees the backing device(s) {', '.join(missing)}; "
                              "zone and map them to a destination VIOS.")]
        if all(why == _NO_SLOT for why in a.hosts.values()):
            return [_no_slots(v, a) for v in a.hosts]
        reasons = "; ".join(f"{v} {why}" for v, why in a.hosts.items() if why)
        return [error(f"{a.kind.upper()}_NOT_HOSTABLE", a.label,
                      f"The {what} adapter cannot be hosted by any VIOS of the destination: {reasons}.")]

    def _vios(self, name: str) -> Vios:
        return next(v for v in self.dest if v.name == name)

    def _room(self, v: str) -> int:
        """Free slots of ``v`` not yet promised to an adapter of an earlier group."""
        return self.free[v] - self.load.get(v, 0)

    def _keeps_slot(self, v: str, slot: int) -> bool:
        return (v, slot) not in self.claimed and self._slot_free(v, slot)

    def _slot_free(self, v: str, slot: int) -> bool:
        return slot not in self.used[v] and slot < self._vios(v).max_virtual_slots

    def _pick_slot(self, v: str, wanted: int) -> int | None:
        if self._slot_free(v, wanted):
            return wanted
        return next((s for s in range(2, self._vios(v).max_virtual_slots) if s not in self.used[v]), None)


def _no_slots(v: str, a: _Adapter) -> Finding:
    return error("NO_FREE_SLOTS", v, a.label)


def _merge_slot_findings(findings: list[Finding]) -> list[Finding]:
    """One NO_FREE_SLOTS finding per VIOS, naming every adapter it could not take."""
    wanted: dict[str, list[str]] = {}
    out: list[Finding] = []
    for f in findings:
        if f.code != "NO_FREE_SLOTS":
            out.append(f)
            continue
        if f.object not in wanted:
            wanted[f.object] = []
            out.append(f)
        wanted[f.object].append(f.message)
    return [f if f.code != "NO_FREE_SLOTS" else error(
        "NO_FREE_SLOTS", f.object,
        f"{f.object} has no free virtual slot for {', '.join(wanted[f.object])}; raise its "
        "maximum virtual adapters or free slots.") for f in out]


def _adapters(inv: Inventory, part: Partition) -> list[_Adapter]:
    out = []
    for a in part.virtual_scsi_adapters:
        out.append(_Adapter("vscsi", a.slot, a.vios, a.vios_slot, frozenset(a.luns),
                            f"{part.name}/vscsi slot {a.slot}",
                            vtds=tuple((d.lun, d.vtd) for d in a.devices),
                            local=any(d.kind != "pv" for d in a.devices)))
    for fc in part.virtual_fc_adapters:
        src = inv.find_vios(fc.vios)
        port = src.fc_port(fc.port) if src else None
        out.append(_Adapter("vfc", fc.slot, fc.vios, fc.vios_slot, frozenset(fc.storage),
                            f"{part.name}/vfc slot {fc.slot}", fabric=port.fabric if port else "",
                            port=fc.port, unknown=port is None))
    return out


def _why_not(a: _Adapter, v: Vios, used: set[int]) -> str:
    """"" when ``v`` can host ``a``, else why not (a phrase after the VIOS name)."""
    if a.local:
        return "cannot take a local (logical volume, file or optical) backing device"
    if not v.rmc:
        return "has no RMC connection"
    if a.kind == "vscsi" and (missing := sorted(a.luns - set(v.storage))):
        return f"does not see LUN(s) {', '.join(missing)}"
    if a.kind == "vfc" and not any(p.npiv and p.fabric == a.fabric for p in v.fc_ports):
        return f"has no NPIV port on fabric {a.fabric or '(unnamed)'}"
    if all(s in used for s in range(2, v.max_virtual_slots)):
        return _NO_SLOT
    return ""


def _port_ok(v: Vios, port: str, fabric: str) -> bool:
    p = v.fc_port(port)
    return p is not None and p.npiv and p.fabric == fabric


def _pick_port(v: Vios, a: _Adapter) -> str:
    if _port_ok(v, a.port, a.fabric):
        return a.port
    return next((p.name for p in v.fc_ports if p.npiv and p.fabric == a.fabric), "")


def _groups(adapters: list[_Adapter]) -> list[list[_Adapter]]:
    """Multipath groups: adapters of one kind that reach a common LUN (union-find)."""
    parent = list(range(len(adapters)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(len(adapters)), 2):
        a, b = adapters[i], adapters[j]
        if a.kind == b.kind and a.luns & b.luns:
            parent[root(i)] = root(j)
    groups: dict[int, list[_Adapter]] = {}
    for i, a in enumerate(adapters):
        groups.setdefault(root(i), []).append(a)
    return list(groups.values())


def _mpio_findings(planner: _Planner, mpio: int) -> list[Finding]:
    out = []
    for group in _groups(planner.adapters):
        sources = {a.vios for a in group}
        chosen = [planner.chosen.get(a.slot) for a in group]
        if None in chosen:
            continue    # an adapter that cannot be hosted is reported as such
        dests = {v for v in chosen if v is not None}
        if len(sources) >= 2 and len(dests) < len(sources):
            labels = ", ".join(a.label for a in group)
            make = error if mpio == 1 else warning
            out.append(make("MPIO_NOT_PRESERVED", labels,
                            f"The {len(sources)} paths through {', '.join(sorted(sources))} would "
                            f"go through only {', '.join(sorted(dests))} on the destination: "
                            "the partition would lose multipath redundancy."))
    return out
