"""A scenario from the saved output of the HMC and VIOS commands an administrator already runs
(``lpmsim import hmc DIR -o SCENARIO.toml``). Formats: IBM's default output, attribute=value
lines for the HMC commands (:mod:`lpmsim.hmc.format`), the tables of ``lsmap`` and ``lsdev``.

File names in DIR (a command's words joined by ``-``, dashes of its flags dropped, ``.txt``):

==========================================  ===============================================
``lssyscfg-r-sys.txt``                      ``lssyscfg -r sys`` (required)
``lshmc-V.txt``                             ``lshmc -V`` (the HMC version)
``SYS/lssyscfg-r-lpar.txt``                 ``lssyscfg -r lpar -m SYS`` (required)
``SYS/lssyscfg-r-prof.txt``                 ``lssyscfg -r prof -m SYS``
``SYS/lshwres-r-mem-level-sys.txt``         ``lshwres -r mem -m SYS --level sys`` (required)
``SYS/lshwres-r-mem-level-lpar.txt``        ``lshwres -r mem -m SYS --level lpar`` (required)
``SYS/lshwres-r-proc-level-sys.txt``        ``lshwres -r proc -m SYS --level sys``
``SYS/lshwres-r-proc-level-lpar.txt``       ``lshwres -r proc -m SYS --level lpar`` (required)
``SYS/lshwres-r-virtualio-rsubtype-X-level-lpar.txt``  ``... --rsubtype scsi|fc|eth``
``SYS/lshwres-r-io-rsubtype-slot.txt``      ``lshwres -r io --rsubtype slot -m SYS``
``SYS/VIOS/lsmap-all.txt``                  ``lsmap -all`` on that VIOS
``SYS/VIOS/lsmap-all-npiv.txt``             ``lsmap -all -npiv``
``SYS/VIOS/lsdev-dev-vioslpm0-attr.txt``    ``lsdev -dev vioslpm0 -attr``
==========================================  ===============================================

What no such command reports gets a documented default, written into the scenario's header:
the workload (idle) and touched memory (all of it), the LPM network (one 10 GbE link behind
every MSP), SAN visibility (every VIOS sees every SAN disk any VIOS of the dump maps: LUNs are
named by the storage port WWPN and LUN of lsmap's backing-device location code), and FC fabrics
(a VIOS port is on the fabric of the same port name on the other VIOS). Attributes lpmsim does
not read are kept aside and listed in the header; a required one that is missing is an error
naming its file and line, and every problem of the dump is reported at once.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from lpmsim.files import read_text
from lpmsim.hmc.format import FormatError, ProblemsError, items, parse_line, unset

MB = 2**20
#: attribute names lpmsim reads, per file kind (the rest are listed as kept aside)
READ = {
    "sys": {"name", "state", "type_model", "serial_num"},
    "lpar": {"name", "lpar_id", "lpar_env", "state", "rmc_state", "curr_lpar_proc_compat_mode",
             "desired_lpar_proc_compat_mode", "msp", "migration_disabled", "default_profile",
             "curr_profile", "os_version"},
    "prof": {"name", "lpar_name", "desired_mem", "desired_procs", "desired_proc_units",
             "proc_mode", "max_virtual_slots"},
    "mem_sys": {"configurable_sys_mem", "sys_firmware_mem", "installed_sys_mem"},
    "mem_lpar": {"lpar_name", "lpar_id", "curr_mem", "mem_mode"},
    "proc_sys": {"configurable_sys_proc_units", "installed_sys_proc_units"},
    "proc_lpar": {"lpar_name", "lpar_id", "curr_procs", "curr_proc_units", "curr_proc_mode",
                  "curr_sharing_mode"},
    "scsi": {"lpar_name", "lpar_id", "slot_num", "adapter_type", "remote_lpar_name",
             "remote_slot_num"},
    "fc": {"lpar_name", "lpar_id", "slot_num", "adapter_type", "remote_lpar_name",
           "remote_slot_num", "wwpns"},
    "eth": {"lpar_name", "lpar_id", "slot_num", "port_vlan_id", "addl_vlan_ids", "vswitch",
            "mac_addr", "is_trunk"},
    "slot": {"lpar_name", "drc_name", "phys_loc", "lpar_id"},
}
REQUIRED = {"sys": ("name",), "lpar": ("name", "lpar_id", "lpar_env", "state"),
            "prof": ("name", "lpar_name"), "mem_sys": ("configurable_sys_mem",),
            "mem_lpar": ("lpar_name", "curr_mem"), "proc_lpar": ("lpar_name",),
            "scsi": ("lpar_name", "slot_num", "adapter_type"),
            "fc": ("lpar_name", "slot_num", "adapter_type"),
            "eth": ("lpar_name", "slot_num"), "slot": ("phys_loc",), "proc_sys": ()}
FILES = {"lpar": "lssyscfg-r-lpar.txt", "prof": "lssyscfg-r-prof.txt",
         "mem_sys": "lshwres-r-mem-level-sys.txt", "mem_lpar": "lshwres-r-mem-level-lpar.txt",
         "proc_sys": "lshwres-r-proc-level-sys.txt", "proc_lpar": "lshwres-r-proc-level-lpar.txt",
         "scsi": "lshwres-r-virtualio-rsubtype-scsi-level-lpar.txt",
         "fc": "lshwres-r-virtualio-rsubtype-fc-level-lpar.txt",
         "eth": "lshwres-r-virtualio-rsubtype-eth-level-lpar.txt",
         "slot": "lshwres-r-io-rsubtype-slot.txt"}
OPTIONAL_FILES = {"prof", "proc_sys", "scsi", "fc", "eth", "slot"}
#: defaults for what an HMC dump does not hold (stated in the scenario's header)
LPM_LINK = {"name": "lpm-net", "bandwidth": "10 Gbps", "mtu": 9000}


#: attributes that must be whole numbers wherever they appear
INTEGERS = ("lpar_id", "slot_num", "remote_slot_num", "remote_lpar_id", "port_vlan_id",
            "max_virtual_slots")


def digits(text: str) -> bool:
    """ASCII digits only ("٣".isdigit() is True too)."""
    return text.isascii() and text.isdigit()


class HmcImportError(ProblemsError):
    """Problems of a dump, each naming its file (and line)."""


@dataclass
class Reader:
    root: Path
    problems: list[str] = field(default_factory=list)
    kept: dict[str, set[str]] = field(default_factory=dict)   # file -> attributes not read

    def objects(self, path: Path, kind: str, required: bool) -> list[tuple[int, dict]]:
        """The attribute=value objects of ``path`` with their line numbers."""
        rel = path.relative_to(self.root)
        try:
            text = read_text(path)
        except FileNotFoundError:
            if required:
                self.problems.append(f"{rel}: missing (the output of the command it is named for)")
            return []
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(f"{rel}: cannot read: {exc}")
            return []
        out = []
        for no, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith(("No results were found", "HSCL")):
                continue  # the HMC's answer for an empty list
            try:
                obj = parse_line(line)
            except FormatError as exc:
                self.problems.append(f"{rel}:{no}: {exc}")
                continue
            missing = [a for a in REQUIRED.get(kind, ()) if unset(obj.get(a))]
            if missing:
                self.problems.append(f"{rel}:{no}: required attribute(s) {', '.join(missing)} "
                                     "missing")
                continue
            wrong = [a for a in INTEGERS if not unset(obj.get(a)) and not digits(obj[a])]
            if wrong:
                self.problems.append(f"{rel}:{no}: " + ", ".join(
                    f"{a}={obj[a]!r} is not a whole number" for a in wrong))
                continue
            extra = set(obj) - READ[kind]
            if extra:
                self.kept.setdefault(str(rel), set()).update(extra)
            out.append((no, obj))
        return out

    def number(self, obj: dict, key: str, rel: str, no: int, default=None, kind=float):
        value = obj.get(key)
        if unset(value):
            return default
        try:
            number = kind(value)
        except ValueError:
            self.problems.append(f"{rel}:{no}: {key}={value!r} is not a number")
            return default
        if not math.isfinite(number) or not str(value).strip().isascii():
            self.problems.append(f"{rel}:{no}: {key}={value!r} is not a finite number")
            return default
        return number


# -- VIOS command tables -------------------------------------------------------------------
_SLOT = re.compile(r"-C(\d+)")


def parse_lsmap(text: str) -> dict[int, list[dict]]:
    """``lsmap -all``: server slot -> its backing devices ({vtd, name, physloc})."""
    out: dict[int, list[dict]] = {}
    slot = None
    dev: dict = {}
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if words[0].startswith("vhost") and len(words) >= 2:
            m = _SLOT.search(words[1])
            slot = int(m.group(1)) if m else None
            if slot is not None:
                out.setdefault(slot, [])
        elif words[0] == "VTD" and len(words) >= 2 and slot is not None:
            dev = {"vtd": words[1]}
            out[slot].append(dev)
        elif line.startswith("Backing device") and dev:
            dev["name"] = line[len("Backing device"):].strip()
        elif words[0] == "Physloc" and dev and len(words) >= 2:
            dev["physloc"] = words[1]
    return out


def parse_npiv(text: str) -> dict[int, str]:
    """``lsmap -all -npiv``: server slot -> the physical FC port it is mapped to."""
    out: dict[int, str] = {}
    slot = None
    for line in text.splitlines():
        words = line.split()
        if words and words[0].startswith("vfchost") and len(words) >= 2:
            m = _SLOT.search(words[1])
            slot = int(m.group(1)) if m else None
        elif line.strip().startswith("FC name:") and slot is not None:
            name = line.split("FC name:", 1)[1].split()
            if name:
                out[slot] = name[0]
    return out


def parse_lsdev_attr(text: str) -> dict[str, str]:
    """``lsdev -dev vioslpm0 -attr``: attribute -> value."""
    out = {}
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] != "attribute":
            out[words[0]] = words[1]
    return out


def _lun(dev: dict, vios: str) -> tuple[str, str]:
    """(LUN identity, kind) of a backing device: a SAN disk by the storage WWPN and LUN of its
    location code (``...-W500507680B215E40-L1000000000000``), else local to the VIOS."""
    name, loc = dev.get("name", ""), dev.get("physloc", "")
    m = re.search(r"-(W[0-9A-Fa-f]+-L[0-9A-Fa-f]+)", loc)
    if name.startswith("hdisk") and m:
        return m.group(1).upper(), "pv"
    kind = "file" if name.startswith("/") else "optical" if name.startswith("cd") else (
        "pv" if name.startswith("hdisk") else "lv")
    return f"{vios}:{name}", kind


# -- the dump ------------------------------------------------------------------------------
def import_dump(root: str | Path) -> tuple[dict, list[str]]:
    """The raw scenario of the dump in ``root`` and the header notes (defaults used,
    attributes kept aside). Raises HmcImportError with every problem found."""
    root = Path(root)
    r = Reader(root)
    if not root.is_dir():
        raise HmcImportError([f"{root}: no such folder"])
    systems, vios, partitions = [], [], []
    luns: set[str] = set()
    for no, s in r.objects(root / "lssyscfg-r-sys.txt", "sys", True):
        name = s["name"]
        folder = root / name
        if not folder.is_dir():
            r.problems.append(f"{name}/: missing (the per-system folder of {name})")
            continue
        systems.append(_system(r, folder, name))
        v, p = _partitions(r, folder, name, luns)
        vios += v
        partitions += p
    hmc_version = _hmc_version(r, root / "lshmc-V.txt")
    if r.problems:
        raise HmcImportError(r.problems)
    renamed = _unique_vios_names(vios, partitions)
    for v in vios:   # assumption: SAN disks are zoned to every VIOS of the dump
        v["storage"] = sorted(luns)
    notes = [
        "workload: every partition idle, all its memory touched (lpmsim defaults; an HMC dump "
        "holds neither: set partitions.NAME.workload and touched)",
        f"LPM network: one link {LPM_LINK['name']} ({LPM_LINK['bandwidth']}, MTU "
        f"{LPM_LINK['mtu']}) behind every MSP (not in the dump; describe yours in [[links]])",
        "SAN: every VIOS sees every SAN disk of the dump (LUN = storage WWPN and LUN of lsmap's "
        "location code); FC fabrics: one per FC port name",
    ]
    if renamed:
        notes.append("VIOS names repeat across frames, so they are qualified by their frame: "
                     + ", ".join(renamed))
    notes += [f"kept aside (not read by lpmsim) in {f}: {', '.join(sorted(a))}"
              for f, a in sorted(r.kept.items())]
    raw: dict[str, object] = {
        "name": root.name or "hmc-import",
        "description": f"imported by lpmsim import hmc from {root}",
        "systems": systems, "links": [dict(LPM_LINK)], "vios": vios, "partitions": partitions}
    if hmc_version:
        raw["hmc"] = {"version": hmc_version}
    return raw, notes


def _unique_vios_names(vios: list[dict], partitions: list[dict]) -> list[str]:
    """lpmsim names each VIOS once; frames often both have a "vios1". Qualify repeated names
    by the frame (``p10-a-vios1``) in the VIOS and in the client adapters that name them."""
    count: dict[str, int] = {}
    for v in vios:
        count[v["name"]] = count.get(v["name"], 0) + 1
    renamed = []
    for v in vios:
        if count[v["name"]] > 1:
            new = f"{v['system']}-{v['name']}"
            renamed.append(f"{v['name']} on {v['system']} -> {new}")
            for p in partitions:
                if p["system"] != v["system"]:
                    continue
                for key in ("virtual_scsi_adapters", "virtual_fc_adapters"):
                    for a in p.get(key, []):
                        if a["vios"] == v["name"]:
                            a["vios"] = new
            v["name"] = new
    return renamed


def _one(r: Reader, path: Path, kind: str) -> dict:
    objs = r.objects(path, kind, kind not in OPTIONAL_FILES)
    return objs[0][1] if objs else {}


def _system(r: Reader, folder: Path, name: str) -> dict:
    mem = _one(r, folder / FILES["mem_sys"], "mem_sys")
    proc = _one(r, folder / FILES["proc_sys"], "proc_sys")
    rel = f"{name}/{FILES['mem_sys']}"
    out: dict = {"name": name}
    memory = r.number(mem, "configurable_sys_mem", rel, 1)
    if memory is not None:
        out["memory"] = int(memory * MB)
    firmware = r.number(mem, "sys_firmware_mem", rel, 1)
    if firmware is not None:
        out["reserved_memory"] = int(firmware * MB)
    units = r.number(proc, "configurable_sys_proc_units", f"{name}/{FILES['proc_sys']}", 1)
    if units:
        out["processors"] = units
    return out


def _by_lpar(r: Reader, folder: Path, kind: str) -> dict[str, list[tuple[int, dict]]]:
    out: dict[str, list[tuple[int, dict]]] = {}
    for no, obj in r.objects(folder / FILES[kind], kind, kind not in OPTIONAL_FILES):
        out.setdefault(obj.get("lpar_name", ""), []).append((no, obj))
    return out


def _partitions(r: Reader, folder: Path, system: str, luns: set[str]) -> tuple[list, list]:
    lpars = r.objects(folder / FILES["lpar"], "lpar", True)
    mem, proc = _by_lpar(r, folder, "mem_lpar"), _by_lpar(r, folder, "proc_lpar")
    scsi, fc, eth = (_by_lpar(r, folder, k) for k in ("scsi", "fc", "eth"))
    slots = _by_lpar(r, folder, "slot")
    profs = _by_lpar(r, folder, "prof")
    vios_names = {o["name"] for _, o in lpars if o["lpar_env"] == "vioserver"}
    maps = {v: _vios_tables(r, folder, v) for v in vios_names}
    vios_out, parts_out = [], []
    for no, o in lpars:
        name, rel = o["name"], f"{system}/{FILES['lpar']}"
        pid = r.number(o, "lpar_id", rel, no, kind=int)
        if o["lpar_env"] == "vioserver":
            v = _vios(r, o, system, pid, maps[name], eth.get(name, []), profs.get(name, []))
            for pno, c in proc.get(name, []):
                if (n := _mover_processors(r, c, f"{system}/{FILES['proc_lpar']}", pno)):
                    v["entitlement"] = n
            clients = {x["name"] for _, x in lpars}
            # slots the scenario's client adapters do not account for: its trunk and other
            # virtual Ethernet adapters, and server adapters of clients not in the dump
            used = {int(a["slot_num"]) for _, a in eth.get(name, []) if digits(a["slot_num"])}
            used |= {int(a["slot_num"]) for kind in (scsi, fc) for _, a in kind.get(name, [])
                     if a["adapter_type"] == "server" and digits(a["slot_num"])
                     and a.get("remote_lpar_name") not in clients}
            if used:
                v["slots_in_use"] = sorted(used)
            vios_out.append(v)
            continue
        memory = None
        for mno, m in mem.get(name, []):
            memory = r.number(m, "curr_mem", f"{system}/{FILES['mem_lpar']}", mno)
        if not memory:  # a partition not activated holds no memory: its profile's desired_mem
            wanted = o.get("default_profile") if unset(o.get("curr_profile")) else o["curr_profile"]
            for pno, pr in profs.get(name, []):
                if pr["name"] == wanted or memory is None:
                    memory = r.number(pr, "desired_mem", f"{system}/{FILES['prof']}", pno) or memory
        if not memory:
            r.problems.append(f"{system}/{FILES['mem_lpar']}: no line for partition {name} "
                              f"({rel}:{no})")
            continue
        p: dict = {"name": name, "system": system, "memory": int(memory * MB)}
        if pid is not None:
            p["id"] = pid
        for pno, c in proc.get(name, []):
            rel_p = f"{system}/{FILES['proc_lpar']}"
            n = r.number(c, "curr_proc_units", rel_p, pno) or r.number(c, "curr_procs", rel_p, pno)
            if n:
                p["processors"] = n
        if o["state"].lower() != "running":
            p["state"] = "not activated"
        if o.get("rmc_state", "active").lower() != "active":
            p["rmc"] = False
        if o.get("migration_disabled") == "1":
            p["migration_disabled"] = True
        for key, attr in (("proc_compat_mode", "curr_lpar_proc_compat_mode"),
                          ("preferred_proc_compat_mode", "desired_lpar_proc_compat_mode")):
            if not unset(o.get(attr)):
                p[key] = o[attr]
        for _, m in mem.get(name, []):
            if m.get("mem_mode") == "shared":
                p["mem_mode"] = "shared"
        p |= _adapters(r, system, name, scsi.get(name, []), fc.get(name, []),
                       eth.get(name, []), maps, luns)
        io = [s.get("drc_name") or s["phys_loc"] for _, s in slots.get(name, [])]
        if io:
            p["io_slots"] = io
        profiles = [{"name": pr["name"]} | _profile_values(r, system, pno, pr)
                    for pno, pr in profs.get(name, [])]
        if profiles:
            p["profiles"] = profiles
            if not unset(o.get("curr_profile")):
                p["active_profile"] = o["curr_profile"]
        parts_out.append(p)
    return vios_out, parts_out


def _mover_processors(r: Reader, c: dict, rel: str, no: int) -> float | None:
    """The processors a VIOS's mover threads can run on: a dedicated VIOS's processors, an
    uncapped one's virtual processors (what it can grow to), else its entitlement."""
    if c.get("curr_proc_mode") == "ded" or c.get("curr_sharing_mode") == "uncap":
        return r.number(c, "curr_procs", rel, no) or r.number(c, "curr_proc_units", rel, no)
    return r.number(c, "curr_proc_units", rel, no) or r.number(c, "curr_procs", rel, no)


def _profile_values(r: Reader, system: str, no: int, pr: dict) -> dict:
    rel = f"{system}/{FILES['prof']}"
    out: dict = {}
    memory = r.number(pr, "desired_mem", rel, no)
    if memory:
        out["memory"] = int(memory * MB)
    procs = r.number(pr, "desired_proc_units", rel, no) or r.number(pr, "desired_procs", rel, no)
    if procs:
        out["processors"] = procs
    return out


def parse_lshmc_version(text: str) -> str:
    """``lshmc -V`` ("Version: 10", "Release: 2", "Service Pack: 1040") -> "V10R2M1040";
    "" when it says none of them."""
    found = [re.search(rf"{key}:\s*(\d+)", text) for key in ("Version", "Release", "Service Pack")]
    if not all(found):
        return ""
    v, r, m = (f.group(1) for f in found if f)
    return f"V{v}R{r}M{m}"


def _hmc_version(r: Reader, path: Path) -> str:
    if not path.exists():
        return ""
    try:
        version = parse_lshmc_version(read_text(path))
    except (OSError, UnicodeDecodeError) as exc:
        r.problems.append(f"{path.relative_to(r.root)}: cannot read: {exc}")
        return ""
    if not version:
        r.problems.append(f"{path.relative_to(r.root)}: no 'Version:', 'Release:' and "
                          "'Service Pack:' (the output of lshmc -V)")
    return version


def _vios_tables(r: Reader, folder: Path, name: str) -> dict:
    base = folder / name
    out: dict = {"scsi": {}, "npiv": {}, "lpm": {}}
    for key, fname, parse in (("scsi", "lsmap-all.txt", parse_lsmap),
                              ("npiv", "lsmap-all-npiv.txt", parse_npiv),
                              ("lpm", "lsdev-dev-vioslpm0-attr.txt", parse_lsdev_attr)):
        path = base / fname
        if path.exists():
            try:
                out[key] = parse(read_text(path))
            except (OSError, UnicodeDecodeError) as exc:
                r.problems.append(f"{path.relative_to(r.root)}: cannot read: {exc}")
    return out


def _vios(r: Reader, o: dict, system: str, pid, tables: dict, eth: list, profs: list) -> dict:
    v: dict = {"name": o["name"], "system": system, "msp": o.get("msp", "1") == "1",
               "links": [LPM_LINK["name"]]}
    if pid is not None:
        v["id"] = pid
    if o.get("rmc_state", "active").lower() != "active":
        v["rmc"] = False
    level = o.get("os_version", "").split()
    if len(level) == 2 and level[0].upper() == "VIOS":   # "VIOS 3.1.4.10": its ioslevel
        v["version"] = level[1]
    lpm = tables["lpm"]
    for key in ("cfg_msp_lpm_ops", "concurrency_lvl"):
        if key in lpm and digits(lpm[key]):
            v[key] = int(lpm[key])
    ports = sorted(set(tables["npiv"].values()))
    if ports:
        v["fc_ports"] = [{"name": p, "fabric": p, "npiv": True} for p in ports]
    seas = []
    for _, a in eth:
        if a.get("is_trunk") == "1":
            vlans = [int(x) for x in [a.get("port_vlan_id", "1"), *items(a.get("addl_vlan_ids", ""))]
                     if digits(x)]
            seas.append({"name": f"sea-slot{a['slot_num']}", "vlans": sorted(set(vlans)),
                         "vswitch": a.get("vswitch") or "ETHERNET0"})
    if seas:
        v["seas"] = seas
    for _, pr in profs:
        if digits(pr.get("max_virtual_slots", "")):
            v["max_virtual_slots"] = int(pr["max_virtual_slots"])
    return v


def _clients(r: Reader, system: str, kind: str, rows: list):
    """The client adapters of ``rows`` (lshwres virtualio lines of one partition):
    (line, attributes, file, server VIOS name, server slot)."""
    rel = f"{system}/{FILES[kind]}"
    for no, a in rows:
        if a["adapter_type"] == "client":
            yield no, a, rel, a.get("remote_lpar_name", ""), r.number(a, "remote_slot_num", rel, no, kind=int)


def _adapters(r: Reader, system: str, name: str, scsi: list, fc: list, eth: list,
              maps: dict, luns: set[str]) -> dict:
    out: dict = {}
    vscsi = []
    for no, a, rel, vios, slot in _clients(r, system, "scsi", scsi):
        if vios not in maps or slot is None:
            r.problems.append(f"{rel}:{no}: client slot {a['slot_num']} of {name} names VIOS "
                              f"{vios!r} slot {slot}, which the dump does not hold")
            continue
        devices = []
        for dev in maps[vios]["scsi"].get(slot, []):
            lun, kind = _lun(dev, vios)
            if kind == "pv":
                luns.add(lun)
            devices.append({"lun": lun, "vtd": dev.get("vtd", ""), "kind": kind})
        vscsi.append({"slot": int(a["slot_num"]), "vios": vios, "vios_slot": slot,
                      "devices": devices})
    vfc = []
    for no, a, rel, vios, slot in _clients(r, system, "fc", fc):
        wwpns = items(a.get("wwpns", ""))
        port = maps.get(vios, {}).get("npiv", {}).get(slot) if slot is not None else None
        if vios not in maps or port is None or len(wwpns) != 2:
            r.problems.append(f"{rel}:{no}: client slot {a['slot_num']} of {name}: needs its "
                              f"VIOS {vios!r} with a vfchost in slot {slot} (lsmap -all -npiv) "
                              "and two WWPNs")
            continue
        vfc.append({"slot": int(a["slot_num"]), "vios": vios, "vios_slot": slot, "port": port,
                    "wwpns": wwpns})
    veth = []
    for no, a in eth:
        vlans = [int(x) for x in items(a.get("addl_vlan_ids", "")) if digits(x)]
        pvid = a.get("port_vlan_id", "1")
        veth.append({"slot": int(a["slot_num"]), "pvid": int(pvid) if digits(pvid) else 1,
                     "vlans": vlans, "vswitch": a.get("vswitch") or "ETHERNET0",
                     "mac": a.get("mac_addr", "")})
    if vscsi:
        out["virtual_scsi_adapters"] = vscsi
    if vfc:
        out["virtual_fc_adapters"] = vfc
    if veth:
        out["virtual_eth_adapters"] = veth
    return out
