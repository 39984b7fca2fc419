"""Text that ``lpmsim validate`` prints: findings and adapter mappings, as an HMC shows them.

:func:`format_findings` lists errors then warnings, each with its code, the object it names and
the message; :func:`format_mappings` is the HMC's table of recommended virtual adapter mappings,
with all possible ones, and the ``migrlpar -i`` string that would request the same mappings from
a real HMC (formats from the migrlpar man page, S25/S28). :func:`format_validation` puts both
under a one-line verdict.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

from lpmsim.inventory.mappings import AdapterMapping
from lpmsim.validation.findings import Finding
from lpmsim.validation.validate import Validation

__all__ = ["format_findings", "format_mappings", "format_validation", "migrlpar_mappings"]

_WIDTH = 100
_INDENT = " " * 10


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_findings(findings: Iterable[Finding]) -> str:
    """Errors first, then warnings, each as ``SEVERITY CODE object`` and its wrapped message."""
    findings = sorted(findings, key=lambda f: f.severity != "error")
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if not findings:
        return "No errors, no warnings: the partition would migrate."
    verdict = "would not migrate" if errors else "would migrate"
    lines = [f"{_count(errors, 'error')}, {_count(warnings, 'warning')}: the partition {verdict}."]
    for f in findings:
        lines.append(f"{f.severity.upper():<9} {f.code}  {f.object}")
        lines += textwrap.wrap(f.message, _WIDTH, initial_indent=_INDENT, subsequent_indent=_INDENT)
    return "\n".join(lines)


def _end(vios: str | None, slot: int | None) -> str:
    return f"{vios}/{slot}" if vios is not None and slot is not None else "(none)"


def format_mappings(mappings: Sequence[AdapterMapping]) -> str:
    """A table of the mappings, one adapter a row, and the equivalent ``migrlpar -i`` string."""
    if not mappings:
        return "The partition has no virtual SCSI or virtual Fibre Channel adapters to map."
    head = ("Type", "Slot", "Source VIOS/slot", "Destination VIOS/slot", "Port", "VTD names",
            "Possible destinations")
    rows = [head]
    for m in mappings:
        dest = _end(m.vios, m.vios_slot) + (" (user)" if m.user else "")
        names = ", ".join(name or "(VIOS names it)" for _, name in m.vtds)
        possible = ", ".join(f"{c.vios}/{c.slot}" + (f" {c.port}" if c.port else "")
                             for c in m.possible) or "(none)"
        rows.append((m.kind, str(m.slot), _end(m.source_vios, m.source_slot), dest,
                     m.port or "", names, possible))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head) - 1)]
    lines = ["Virtual adapter mappings (recommended unless marked user):"]
    for r in rows:
        lines.append("  ".join(c.rjust(w) if i == 1 else c.ljust(w)
                               for i, (c, w) in enumerate(zip(r, widths))) + "  " + r[-1])
    request = migrlpar_mappings(mappings)
    if request:
        lines += ["", f"As migrlpar input: -i '{request}'"]
    return "\n".join(lines)


def migrlpar_mappings(mappings: Iterable[AdapterMapping]) -> str:
    """The ``migrlpar -i`` value requesting these mappings, "" when none has a destination:
    ``virtual_scsi_mappings=slot/vios//vios_slot`` and ``virtual_fc_mappings=
    slot/vios//vios_slot/port``; a pair whose value holds commas is enclosed in double quotes,
    as the HMC commands expect."""
    mappings = list(mappings)
    scsi = [f"{m.slot}/{m.vios}//{m.vios_slot}" for m in mappings if m.kind == "vscsi" and m.hosted]
    fc = [f"{m.slot}/{m.vios}//{m.vios_slot}/{m.port}" for m in mappings if m.kind == "vfc" and m.hosted]
    pairs = [f"{name}={','.join(values)}" for name, values in
             (("virtual_scsi_mappings", scsi), ("virtual_fc_mappings", fc)) if values]
    return ",".join(f'"{p}"' if len(p.split(",")) > 1 else p for p in pairs)


def format_validation(v: Validation) -> str:
    """A title, the findings (with the verdict) and the mappings of one validation."""
    head = f"Validation of the {v.mode} migration of {v.partition} to {v.destination}"
    return "\n\n".join([head, format_findings(v.findings), format_mappings(v.mappings)])
