"""``migrlpar`` requests (IBM HMC man page, shared/reference S25, S26): what the HMC would be
asked, turned into the scenario's ``[[migrations]]`` (or an ``[[evacuations]]`` entry for
``--all``), so that ``lpmsim migrlpar`` gives the same result as writing the migration into the
scenario by hand.

Supported: ``-o v|m``, ``-m``, ``-t``, ``-p`` / ``--id`` / ``--all``, ``--redundantmsps``,
``--mpio``, ``--vlanbridge``, and in ``-i`` / ``-f``: ``source_msp_name``, ``dest_msp_name``, ``source_msp_ipaddr``, ``dest_msp_ipaddr``,
``virtual_scsi_mappings`` (``slot/vios/[vios_id]/[vios_slot]``, comma-separated),
``virtual_fc_mappings`` (``slot/vios/[vios_id]/[vios_slot]/[port]``), ``dest_lpar_id``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from lpmsim.hmc.format import FormatError, ProblemsError, items, parse_line, unset

KNOWN = ("source_msp_name", "dest_msp_name", "source_msp_ipaddr", "dest_msp_ipaddr",
         "virtual_scsi_mappings", "virtual_fc_mappings", "dest_lpar_id")


class MigrlparError(ProblemsError):
    """Bad migrlpar arguments, each naming the flag or attribute."""


@dataclass
class Request:
    operation: str                   # "v" validate or "m" migrate
    source: str
    destination: str
    partitions: list[str] = field(default_factory=list)   # -p (may be several, comma-separated)
    ids: list[int] = field(default_factory=list)          # --id
    all: bool = False                                     # --all
    redundant_msps: int | None = None
    mpio: int | None = None
    vlan_bridge: int | None = None
    data: str = ""                                        # -i, or the contents of -f


def _mappings(value: str, kind: str, where: str, problems: list[str]) -> list[dict]:
    out = []
    for item in items(value):
        parts = item.split("/")
        if len(parts) < 2 or not parts[0].isdigit() or not parts[1]:
            problems.append(f"-i {where}: {item!r} is not slot/vios/[vios_id]/[vios_slot]"
                            + ("/[port]" if kind == "vfc" else ""))
            continue
        m: dict = {"adapter": int(parts[0]), "vios": parts[1]}
        if len(parts) > 3 and parts[3]:
            if not parts[3].isdigit():
                problems.append(f"-i {where}: server slot {parts[3]!r} of {item!r} is no number")
                continue
            m["slot"] = int(parts[3])
        if kind == "vfc" and len(parts) > 4 and parts[4]:
            m["port"] = parts[4]
        out.append(m)
    return out


def _data(req: Request, problems: list[str]) -> dict[str, str]:
    try:
        data = parse_line(req.data) if req.data.strip() else {}
    except FormatError as exc:
        problems.append(f"-i: {exc}")
        return {}
    for name in data:
        if name not in KNOWN:
            problems.append(f"-i: unknown attribute {name!r}; lpmsim reads {', '.join(KNOWN)}")
    return data


def _partitions(raw: dict, req: Request, problems: list[str]) -> list[dict]:
    parts = [p for p in raw.get("partitions", []) if isinstance(p, dict)]
    chosen: list[dict] = []
    for name in req.partitions:
        match = [p for p in parts if p.get("name") == name]
        if not match:
            problems.append(f"-p: no partition named {name!r}")
        elif match[0].get("system") != req.source:
            problems.append(f"-p {name}: runs on {match[0].get('system')!r}, not on -m {req.source}")
        else:
            chosen.append(match[0])
    for pid in req.ids:
        match = [p for p in parts if p.get("id") == pid and p.get("system") == req.source]
        if not match:
            problems.append(f"--id: no partition with ID {pid} on {req.source}")
        else:
            chosen.append(match[0])
    return chosen


def apply_request(raw: dict, req: Request) -> dict:
    """The raw scenario with its migrations replaced by the request's. Raises MigrlparError
    with every problem found."""
    problems: list[str] = []
    if req.operation not in ("v", "m"):
        problems.append(f"-o: {req.operation!r}; lpmsim simulates -o m (migrate) and -o v (validate)")
    systems = {s.get("name") for s in raw.get("systems", []) if isinstance(s, dict)}
    for flag, name in (("-m", req.source), ("-t", req.destination)):
        if name not in systems:
            problems.append(f"{flag}: no managed system named {name!r}")
    if req.source == req.destination:
        problems.append("-t: the destination is the source system")
    picked = sum(bool(x) for x in (req.partitions, req.ids, req.all))
    if picked != 1:
        problems.append("give exactly one of -p NAME, --id N or --all")
    for flag, value, allowed in (("--redundantmsps", req.redundant_msps, (0, 1, 2)),
                                 ("--mpio", req.mpio, (1, 2)), ("--vlanbridge", req.vlan_bridge, (1, 2))):
        if value is not None and value not in allowed:
            problems.append(f"{flag}: {value}; use one of {', '.join(map(str, allowed))}")
    data = _data(req, problems)
    chosen = _partitions(raw, req, problems) if not req.all else []
    mappings = (_mappings(data.get("virtual_scsi_mappings", ""), "vscsi", "virtual_scsi_mappings", problems)
                + _mappings(data.get("virtual_fc_mappings", ""), "vfc", "virtual_fc_mappings", problems))
    dest_id = data.get("dest_lpar_id")
    if dest_id is not None and not (dest_id.isascii() and dest_id.isdigit()):
        problems.append(f"-i dest_lpar_id: {dest_id!r} is no partition ID")
    if problems:
        raise MigrlparError(problems)
    options: dict = {}
    if mappings:
        options["mappings"] = mappings
    if req.mpio is not None:
        options["mpio"] = req.mpio
    if req.vlan_bridge is not None:
        options["vlan_bridge"] = req.vlan_bridge
    if dest_id is not None:
        options["dest_id"] = int(dest_id)
    common: dict = {}
    if req.redundant_msps is not None:
        common["redundant_msps"] = req.redundant_msps
    out = copy.deepcopy(raw)
    out["evacuations"] = []
    if req.all:
        out["migrations"] = []
        out["evacuations"] = [{"source": req.source, "destination": req.destination} | common]
        return out
    migrations = []
    for p in chosen:
        m: dict = {"partition": p["name"], "destination": req.destination,
                   "mode": "active" if p.get("state", "running") == "running" else "inactive"}
        for key, attr in (("source_msp", "source_msp_name"), ("dest_msp", "dest_msp_name"),
                          ("source_msp_ipaddr", "source_msp_ipaddr"),
                          ("dest_msp_ipaddr", "dest_msp_ipaddr")):
            if not unset(data.get(attr)):
                m[key] = data[attr]
        if options:
            m["options"] = options
        migrations.append(m | common)
    out["migrations"] = migrations
    return out
