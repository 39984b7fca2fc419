"""``--set key=value``: change one value of a scenario before it is validated.

A key is a dotted path into the scenario's tables. Entries of an array of tables are chosen by
name (``partitions.db01.memory``; migrations by their partition, ``migrations.db01.policy``) or by
index (``migrations.0.start``); ``partitions[db01].memory`` is accepted too. The value is read as
TOML when it can be (``3``, ``true``, ``{ preset = "qemu" }``) and as a plain string otherwise
(``64 GiB``). Values are then checked by the same schema as the file.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Iterable

from lpmsim.scenario.errors import Problem

_KEYS_BY_TABLE = {"migrations": "partition"}
#: A key: a dotted string from the command line, or the parts themselves (overlays, calibration:
#: names may hold dots, spaces or brackets, which a dotted string cannot carry).
Key = str | tuple[str, ...]


def parse_assignment(text: str) -> tuple[str, object]:
    """``"a.b=3"`` -> ("a.b", 3). Raises ValueError without an ``=``."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"{text!r}: an override is KEY=VALUE, e.g. partitions.db01.memory=64GiB")
    return key.strip(), parse_value(value.strip())


def parse_value(text: str) -> object:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def split_path(key: Key) -> list[str]:
    if isinstance(key, tuple):
        return list(key)
    return [part for part in re.split(r"[.\[\]]", key) if part]


def key_text(key: Key) -> str:
    return key if isinstance(key, str) else ".".join(key)


def apply_overrides(raw: dict, assignments: Iterable[tuple[Key, object]]) -> tuple[dict, list[Problem]]:
    """Return a copy of ``raw`` with every assignment applied, and the problems found."""
    data = copy.deepcopy(raw)
    problems = []
    for key, value in assignments:
        try:
            parts = split_path(key)
            if not parts:
                raise LookupError("an empty key names no value (e.g. partitions.db01.memory)")
            _assign(data, parts, value)
        except LookupError as exc:
            problems.append(Problem(key_text(key) or "(empty key)", str(exc.args[0])))
    return data, problems


def _assign(data: dict, parts: list[str], value: object) -> None:
    node: object = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            idx = _select(node, part, parts[i - 1] if i else "")
            if last:
                node[idx] = value
            else:
                node = node[idx]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
        else:
            raise LookupError(f"{'.'.join(parts[:i])} is a value, not a table")


def _select(items: list, part: str, table: str) -> int:
    if part.isascii() and part.isdigit():  # "٣".isdigit() is True too: only ASCII is an index
        if int(part) >= len(items):
            raise LookupError(f"{table} has {len(items)} entries; there is no index {part}")
        return int(part)
    field = _KEYS_BY_TABLE.get(table, "name")
    for idx, item in enumerate(items):
        if isinstance(item, dict) and part in (item.get("name"), item.get(field)):
            return idx
    raise LookupError(f"no {table} entry named {part!r}")


def flatten(table: dict, prefix: tuple[str, ...] = ()) -> list[tuple[Key, object]]:
    """An overlay (a TOML document of the tables to change) as assignments:
    ``{"partitions": {"db01": {"memory": "8 GiB"}}}`` -> [(("partitions", "db01", "memory"), "8 GiB")]."""
    out: list[tuple[Key, object]] = []
    for key, value in table.items():
        path = (*prefix, str(key))
        if isinstance(value, dict) and value and path[-1] != "policy":
            out += flatten(value, path)
        else:
            out.append((path, value))
    return out
