"""Sweep axes: which scenario values change, and the list of points a sweep runs.

A sweep is a grid in the sense of a spreadsheet's what-if table. Each *axis* is one ``--set`` key
with a list of values. ``--grid`` axes multiply (every combination); ``--zip`` axes of one group
move together (the i-th values of each form the i-th combination) and the group multiplies with the
grid. The first axis varies slowest.

Value lists (the right side of ``KEY=...``), items separated by top-level commas::

    rate=1000 pages/s,5000 pages/s          literal values, read like --set values (TOML or text)
    policy=powervm,qemu,{ preset = "xen" }  a comma inside {...}, [...], (...) or quotes is kept
    rate=logspace(1000 pages/s, 100000 pages/s, 5)   5 values, log-spaced, both ends included
    bandwidth=linspace(1 Gbps, 25 Gbps, 4)           4 values, evenly spaced, both ends included
    aggregation=range(1, 5)                          1, 2, 3, 4 (as Python: stop excluded)
    rate=range(0 pages/s, 50000 pages/s, 10000 pages/s)
    memory=8 GiB,linspace(16 GiB, 64 GiB, 4)         ranges and literals mix

A unit written on one end applies to both (``logspace(1000, 100000 pages/s, 5)``). Ends in
different units of one kind (``linspace(100 Mbps, 10 Gbps, 3)``) are converted to base units
(bytes, bytes/s, seconds). Generated values are written ``"<number> <unit>"`` with 10 significant
digits, and then checked by the scenario schema like any ``--set`` value.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from lpmsim.scenario.errors import Problem
from lpmsim.scenario.overrides import parse_value
from lpmsim.units import UnitError, parse_bandwidth, parse_bytes, parse_duration

#: Bounds on what a sweep may ask for, checked before anything is built (issue 15): values on
#: one axis, and points of the whole grid. At ~10 ms a run, 100,000 points are hours of work;
#: split a bigger study into several sweeps.
MAX_VALUES = 100_000
MAX_POINTS = 100_000
_RANGE = re.compile(r"^\s*(logspace|linspace|range)\s*\((.*)\)\s*$", re.S)
_QUANTITY = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z/%]*)\s*$", re.ASCII)


class GridError(ValueError):
    """A sweep axis that cannot be read; ``problems`` name the option and the key."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(f"  - {p}" for p in self.problems))


@dataclass(frozen=True)
class Axis:
    """One swept key and its values, as they will be passed to ``scenario_from_dict``."""

    key: str
    values: tuple
    group: str = "grid"   # "grid" or "zip<N>": axes of one zip group move together


def split_items(text: str) -> list[str]:
    """Split on commas that are not inside brackets, braces, parentheses or quotes."""
    items, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return [item.strip() for item in items]


def _quantity(text: str) -> tuple[float, str]:
    m = _QUANTITY.match(text)
    if not m:
        raise ValueError(f"{text.strip()!r} is not a number with an optional unit (e.g. 1000 pages/s)")
    return float(m.group(1)), m.group(2)


def _to_base(value: float, unit: str) -> tuple[float, str]:
    """Convert a quantity to base units when its unit is a size, bandwidth or duration."""
    text = f"{value!r} {unit}"
    for parse, base in ((parse_bandwidth, "B/s"), (parse_bytes, "B"), (parse_duration, "s")):
        try:
            return float(parse(text)), base
        except UnitError:
            continue
    raise ValueError(f"cannot convert between units; write both ends in {unit!r}")


def _ends(args: list[str], fn: str) -> tuple[list[float], str]:
    """The numeric arguments that carry units (start, stop, and range's step) in one unit."""
    qs = [_quantity(a) for a in args]
    units = {u for _, u in qs if u}
    if len(units) <= 1:
        return [v for v, _ in qs], units.pop() if units else ""
    if any(not u for _, u in qs):
        raise ValueError(f"{fn}(): give every end a unit, or only one")
    converted = [_to_base(v, u) for v, u in qs]
    if len({b for _, b in converted}) > 1:
        raise ValueError(f"{fn}(): the ends are quantities of different kinds")
    return [v for v, _ in converted], converted[0][1]


def _fmt(x: float, unit: str):
    if not unit:
        return int(x) if float(x).is_integer() and abs(x) < 2**53 else float(f"{x:.10g}")
    return f"{x:.10g} {unit}"


def expand_range(text: str) -> list | None:
    """``logspace(a, b, n)``, ``linspace(a, b, n)``, ``range(a, b[, step])`` -> values; None when
    ``text`` is not a range. Raises ValueError with the reason for a malformed range."""
    m = _RANGE.match(text)
    if not m:
        return None
    fn, args = m.group(1), split_items(m.group(2))
    if fn in ("logspace", "linspace"):
        if len(args) != 3:
            raise ValueError(f"{fn}() takes (start, stop, count), got {len(args)} argument(s)")
        try:
            n = int(args[2])
        except ValueError:
            raise ValueError(f"{fn}(): count must be a whole number, got {args[2]!r}") from None
        if n < 1:
            raise ValueError(f"{fn}(): count must be at least 1, got {n}")
        if n > MAX_VALUES:
            raise ValueError(f"{fn}(): {n} values is more than the {MAX_VALUES:,} an axis may have")
        (a, b), unit = _ends(args[:2], fn)
        if fn == "logspace":
            if a <= 0 or b <= 0:
                raise ValueError("logspace(): both ends must be > 0")
            xs = [a] if n == 1 else [math.exp(math.log(a) + (math.log(b) - math.log(a)) * i / (n - 1))
                                     for i in range(n)]
        else:
            xs = [a] if n == 1 else [a + (b - a) * i / (n - 1) for i in range(n)]
        return [_fmt(x, unit) for x in xs]
    if len(args) not in (2, 3):
        raise ValueError(f"range() takes (start, stop[, step]), got {len(args)} argument(s)")
    nums, unit = _ends(args, fn)
    start, stop = nums[0], nums[1]
    step = nums[2] if len(nums) == 3 else 1.0
    if step == 0:
        raise ValueError("range(): step must not be 0")
    span = (stop - start) / step
    if not math.isfinite(span):
        raise ValueError(f"range(): ({', '.join(args)}) has no finite number of values")
    count = max(0, math.ceil(span - 1e-9))
    if count > MAX_VALUES:
        raise ValueError(f"range(): {count:,} values is more than the {MAX_VALUES:,} an axis may have")
    return [_fmt(start + i * step, unit) for i in range(count)]


def parse_values(text: str) -> list:
    """The right side of ``KEY=...`` -> a list of values (ranges expanded)."""
    out: list = []
    for item in split_items(text):
        if not item:
            raise ValueError("empty value (two commas in a row, or a trailing comma?)")
        expanded = expand_range(item)
        out.extend(expanded if expanded is not None else [parse_value(item)])
    return out


def parse_axis(text: str, option: str = "--grid", group: str = "grid") -> Axis:
    """``"key=v1,v2"`` -> Axis. Raises GridError naming the option and key."""
    key, sep, values = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise GridError([Problem(option, f"{text!r}: write KEY=VALUES, e.g. "
                                         "partitions.db01.workload.rate=1000 pages/s,5000 pages/s")])
    try:
        return Axis(key, tuple(parse_values(values)), group)
    except ValueError as exc:
        raise GridError([Problem(f"{option} {key}", str(exc))]) from None


def _as_axis(key: str, values, group: str, option: str) -> Axis:
    if isinstance(values, str):
        try:
            return Axis(key, tuple(parse_values(values)), group)
        except ValueError as exc:
            raise GridError([Problem(f"{option} {key}", str(exc))]) from None
    if isinstance(values, Iterable) and not isinstance(values, Mapping):
        return Axis(key, tuple(values), group)
    return Axis(key, (values,), group)


def make_axes(grid: Mapping | Sequence[str] | None = None,
              zip: Mapping | Sequence | None = None) -> list[Axis]:  # noqa: A002 (the brief's name)
    """Axes from the Python form (``{"key": [v1, v2] or "v1,v2"}``) or CLI strings
    (``["key=v1,v2"]``). ``zip`` is one group (a mapping or a list of strings) or a list of
    mappings (several groups). Every problem is collected before raising GridError."""
    axes, problems = collect_axes(grid, zip)
    if problems:
        raise GridError(problems)
    return axes


def collect_axes(grid, zip) -> tuple[list[Axis], list[Problem]]:  # noqa: A002
    """Like :func:`make_axes`, but returns the readable axes and the problems of the rest."""
    axes: list[Axis] = []
    problems: list[Problem] = []

    def add(items, group: str, option: str):
        entries = items.items() if isinstance(items, Mapping) else [(None, s) for s in items]
        for key, values in entries:
            try:
                axes.append(parse_axis(values, option, group) if key is None
                            else _as_axis(key, values, group, option))
            except GridError as exc:
                problems.extend(exc.problems)

    if grid:
        add(grid, "grid", "--grid")
    if zip:
        groups = zip if (isinstance(zip, Sequence) and not isinstance(zip, str)
                         and zip and isinstance(zip[0], Mapping)) else [zip]
        for i, g in enumerate(groups):
            add(g, f"zip{i}", "--zip")
    seen: set[str] = set()
    good = []
    for ax in axes:
        if ax.key in seen:
            problems.append(Problem(ax.key, "swept twice (give each key one --grid or --zip)"))
        elif not ax.values:
            problems.append(Problem(ax.key, "no values to sweep"))
        else:
            good.append(ax)
        seen.add(ax.key)
    for group in dict.fromkeys(a.group for a in good if a.group != "grid"):
        lengths = {a.key: len(a.values) for a in good if a.group == group}
        if len(set(lengths.values())) > 1:
            detail = ", ".join(f"{k} has {n}" for k, n in lengths.items())
            problems.append(Problem("--zip", f"zipped keys need as many values each: {detail}"))
            good = [a if a.group != group else Axis(a.key, a.values[:1], a.group) for a in good]
    return good, problems


def point_count(axes: list[Axis]) -> int:
    """How many points :func:`points` would build (computed before building any)."""
    sizes: dict[str, int] = {}
    for ax in axes:
        sizes[ax.key if ax.group == "grid" else ax.group] = len(ax.values)
    return math.prod(sizes.values())


def points(axes: list[Axis]) -> list[dict]:
    """Every combination, as ``{key: value}`` in axis order (the first axis varies slowest)."""
    blocks: list[list[dict]] = []
    order: list[str] = []
    for ax in axes:
        if ax.group == "grid":
            blocks.append([{ax.key: v} for v in ax.values])
            order.append(ax.key)
        elif ax.group not in order:
            members = [a for a in axes if a.group == ax.group]
            blocks.append([{a.key: a.values[i] for a in members} for i in range(len(ax.values))])
            order.append(ax.group)
    return [{k: v for part in combo for k, v in part.items()}
            for combo in itertools.product(*blocks)] if blocks else [{}]
