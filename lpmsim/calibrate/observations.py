"""The user's measured migrations: a CSV table, checked row by row.

Columns (names are case-insensitive): ``partition``, ``memory``, ``start``, ``end`` (required);
``downtime``, ``bytes_sent``, ``passes`` (optional; empty cells = unknown). ``start``/``end`` are
seconds or ISO timestamps (``2024-05-01T10:00:00``); ``memory`` and ``bytes_sent`` take units
(``"64 GiB"``, bare numbers are bytes); ``downtime`` takes a duration (``"300 ms"``, bare = s).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lpmsim import units
from lpmsim.files import read_text

REQUIRED = ("partition", "memory", "start", "end")
OPTIONAL = ("downtime", "bytes_sent", "passes")


class CalibrationError(ValueError):
    """Bad input to the calibration; the message names the file, row and column."""


@dataclass(frozen=True)
class Observation:
    row: int                 # 1-based data row (the header is row 0)
    partition: str
    memory: int
    total_time: float
    downtime: float | None = None
    bytes_sent: float | None = None
    passes: int | None = None


def _time(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        return datetime.fromisoformat(text).timestamp()
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def read_observations(path: str | Path, partitions: set[str] | None = None) -> list[Observation]:
    """Read and check the table; every problem is collected and raised at once."""
    path = Path(path)
    try:  # utf-8-sig: a spreadsheet's byte-order mark is not part of the first column name
        rows = list(csv.reader(io.StringIO(read_text(path), newline="")))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CalibrationError(f"{path}: cannot read: {exc}") from None
    if not rows:
        raise CalibrationError(f"{path}: empty file; expected a header with {', '.join(REQUIRED)}")
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CalibrationError(f"{path}: missing column(s) {', '.join(missing)} "
                               f"(required: {', '.join(REQUIRED)}; optional: {', '.join(OPTIONAL)})")
    unknown = [h for h in header if h not in REQUIRED + OPTIONAL]
    if unknown:
        raise CalibrationError(f"{path}: unknown column(s) {', '.join(unknown)} "
                               f"(known: {', '.join(REQUIRED + OPTIONAL)})")
    col = {name: header.index(name) for name in header}
    problems, out = [], []
    for i, raw in enumerate(rows[1:], start=1):
        if not any(cell.strip() for cell in raw):
            continue
        cells = {name: (raw[j].strip() if j < len(raw) else "") for name, j in col.items()}
        where = f"row {i}"
        row_problems = []

        def parse(name, fn, required=False):
            text = cells.get(name, "")
            if not text:
                if required:
                    row_problems.append(f"{where}, column {name}: empty")
                return None
            try:
                return fn(text)
            except (ValueError, units.UnitError) as exc:
                row_problems.append(f"{where}, column {name}: {exc}")
                return None

        part = cells["partition"]
        if not part:
            row_problems.append(f"{where}, column partition: empty")
        elif partitions is not None and part not in partitions:
            row_problems.append(f"{where}, column partition: unknown partition {part!r} "
                                f"(the scenario has {', '.join(sorted(partitions))})")
        memory = parse("memory", units.parse_bytes, required=True)
        start = parse("start", _time, required=True)
        end = parse("end", _time, required=True)
        downtime = parse("downtime", units.parse_duration)
        nbytes = parse("bytes_sent", units.parse_bytes)
        passes = parse("passes", lambda t: int(t))
        if memory is not None and memory <= 0:
            row_problems.append(f"{where}, column memory: must be > 0")
        if passes is not None and passes < 1:
            row_problems.append(f"{where}, column passes: must be >= 1")
        total = None
        if start is not None and end is not None:
            total = end - start
            if not math.isfinite(total) or total <= 0:
                row_problems.append(f"{where}, columns start/end: end ({cells['end']}) is not after "
                                    f"start ({cells['start']})")
        if downtime is not None and total is not None and downtime > total:
            row_problems.append(f"{where}, column downtime: longer than end - start")
        if row_problems or total is None:
            problems += row_problems
            continue
        out.append(Observation(i, part, memory, total, downtime, nbytes, passes))
    if problems:
        raise CalibrationError(f"{path}: {len(problems)} problem(s)\n" +
                               "\n".join(f"  - {p}" for p in problems))
    if not out:
        raise CalibrationError(f"{path}: no observations (only a header)")
    return out
