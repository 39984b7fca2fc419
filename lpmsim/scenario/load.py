"""TOML file -> validated, frozen :class:`Scenario`, or one :class:`ScenarioError` listing every
problem (schema, units, unknown keys, cross references) with its key path."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from typing import Any
from pathlib import Path

from pydantic import ValidationError

from lpmsim.files import read_text
from lpmsim.scenario.errors import Problem, ScenarioError
from lpmsim.scenario.faults import check as check_many
from lpmsim.scenario.overrides import Key, apply_overrides, flatten, parse_assignment
from lpmsim.scenario.schema import Scenario

Assignment = str | tuple[Key, object]


def load_overlay(path: str | Path) -> list[tuple[Key, object]]:
    """Read an overlay file (TOML holding only the values to change, tables addressed by name
    as in ``--set``: ``[partitions.db01.workload]``) as a list of assignments."""
    path = Path(path)
    try:
        return flatten(tomllib.loads(read_text(path)))
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem("--overlay", f"cannot read {path}: {exc}")], str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([Problem("--overlay", f"not valid TOML: {exc}")], str(path)) from None


def load_scenario(path: str | Path, overrides: Iterable[Assignment] = (),
                  overlays: Iterable[str | Path] = ()) -> Scenario:
    """Read a scenario file, apply overlay files then ``--set`` style overrides (in that order),
    and validate everything at once."""
    overrides = [a for o in overlays for a in load_overlay(o)] + list(overrides)
    return scenario_from_dict(read_raw(path), overrides, source=str(path))


def read_raw(path: str | Path) -> dict:
    """A scenario file's tables, unvalidated; ScenarioError naming the file if unreadable."""
    path = Path(path)
    try:
        return tomllib.loads(read_text(path))
    except FileNotFoundError:
        raise ScenarioError([Problem("", f"no such file: {path}")], str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem("", f"cannot read {path}: {exc}")], str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([Problem("", f"not valid TOML: {exc}")], str(path)) from None


def scenario_from_dict(raw: dict, overrides: Iterable[Assignment] = (), source: str = "scenario") -> Scenario:
    problems: list[Problem] = []
    assignments: list[tuple[Key, object]] = []
    for item in overrides:
        if isinstance(item, str):
            try:
                item = parse_assignment(item)
            except ValueError as exc:
                problems.append(Problem("--set", str(exc)))
                continue
        assignments.append(item)
    data, override_problems = apply_overrides(raw, assignments)
    problems += override_problems
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems += [_problem(err, data) for err in exc.errors()]
        # the references that can still be read, in the same report (issue 15, class 5)
        problems += [p for p in reference_problems(data) if p not in problems]
        raise ScenarioError(problems, source) from None
    problems += cross_check(scenario)
    if problems:
        raise ScenarioError(problems, source)
    return scenario


def _problem(err: Mapping[str, Any], data: dict) -> Problem:
    path = _path(err["loc"], data)
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    elif err["type"] == "missing":
        msg = "required key is missing"
    elif err["type"] == "union_tag_invalid":
        ctx = err.get("ctx", {})
        key = str(ctx.get("discriminator", "")).strip("'")
        what = {"preset": "policy preset", "kind": "fault kind"}.get(key, key or "kind")
        msg = (f"unknown {what} {ctx.get('tag')!r}; use one of "
               f"{str(ctx.get('expected_tags', '')).replace(chr(39), '')}")
        path = f"{path}.{key}" if key else path
    return Problem(path, msg)


def _path(loc: tuple, data: object) -> str:
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            name = None
            if isinstance(node, list) and part < len(node) and isinstance(node[part], dict):
                name = node[part].get("name") or node[part].get("partition")
            out += f"[{name}]" if name else f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
        elif part in ("powervm", "qemu", "xen", "function-before[_preset_name(), tagged-union[PowerVMOptions,QemuOptions,XenOptions]]"):
            continue  # pydantic's union tag, not a key of the file
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def cross_check(sc: Scenario) -> list[Problem]:
    """Problems no single table shows: names, references, sizes against their system."""
    problems: list[Problem] = []
    for table in ("systems", "vios", "links", "partitions"):
        seen: set[str] = set()
        for item in getattr(sc, table):
            if item.name in seen:
                problems.append(Problem(f"{table}[{item.name}]", "duplicate name"))
            seen.add(item.name)
    problems += reference_problems(sc.to_dict())
    systems = {s.name: s for s in sc.systems}
    partitions = {p.name: p for p in sc.partitions}
    for p in sc.partitions:
        if p.system in systems and p.memory > systems[p.system].memory:
            problems.append(Problem(f"partitions[{p.name}].memory", f"{p.memory} bytes is more "
                                    f"than system {p.system!r} has ({systems[p.system].memory} bytes)"))
    for i, m in enumerate(sc.migrations):
        where = f"migrations[{m.partition}]" if m.partition else f"migrations[{i}]"
        if m.partition in partitions and partitions[m.partition].system == m.destination:
            problems.append(Problem(f"{where}.destination", "the partition is already on this system"))
    return problems + check_many(sc)


def _names(data: dict, table: str) -> set[str] | None:
    """The names in ``table`` of a raw scenario, None when the table cannot be read."""
    items = data.get(table, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return None
    return {i["name"] for i in items if isinstance(i.get("name"), str)}


def reference_problems(data: dict) -> list[Problem]:
    """Names that refer to nothing, read from the raw tables (so that they are reported with
    the schema's problems, not only once those are fixed). A table that cannot be read is
    skipped: the schema reports it."""
    out: list[Problem] = []
    systems, links = _names(data, "systems"), _names(data, "links")
    partitions = _names(data, "partitions")

    def entries(table: str, key: str = "name"):
        items = data.get(table, [])
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                label = item.get(key) if isinstance(item.get(key), str) else i
                yield f"{table}[{label}]", item

    def ref(where: str, value, names: set[str] | None, what: str) -> None:
        if names is not None and isinstance(value, str) and value not in names:
            out.append(Problem(where, f"no {what} named {value!r}"))

    for where, v in entries("vios"):
        ref(f"{where}.system", v.get("system"), systems, "managed system")
        for name in v.get("links", []) if isinstance(v.get("links"), list) else []:
            ref(f"{where}.links", name, links, "link")
    for where, p in entries("partitions"):
        ref(f"{where}.system", p.get("system"), systems, "managed system")
    for where, m in entries("migrations", "partition"):
        ref(f"{where}.partition", m.get("partition"), partitions, "partition")
        ref(f"{where}.destination", m.get("destination"), systems, "managed system")
    return out
