"""Human units <-> plain numbers.

Inside lpmsim every quantity is a float or int in base units: bytes, bytes per second, seconds.
Scenario files speak like an HMC administrator: ``"64 GiB"``, ``"10 Gbps"``, ``"300 ms"``,
``"2000 pages/s"``, ``"80 MB/s"``, ``"75%"``. This module turns one into the other and names
the accepted forms when it cannot.

Decimal prefixes (k, M, G, T, P) are powers of 1000 and binary ones (Ki, Mi, Gi, Ti, Pi) powers
of 1024, as in IEC 80000-13. ``bps`` is bits per second; ``B/s`` bytes per second.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = [
    "UnitError",
    "Rate",
    "parse_bytes",
    "parse_duration",
    "parse_bandwidth",
    "parse_rate",
    "parse_fraction",
    "fmt_bytes",
    "fmt_duration",
    "fmt_bandwidth",
]


class UnitError(ValueError):
    """A value that is not a quantity of the expected kind; the message says what is accepted."""


_PREFIX = {
    "": 1,
    "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15,
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50,
}
_NUMBER = r"(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)"
_QUANTITY = re.compile(_NUMBER + r"\s*(?P<unit>[A-Za-z/%]*)\s*$", re.ASCII)  # "١٢٨" is no number

_TIME = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "sec": 1.0,
         "min": 60.0, "h": 3600.0, "hour": 3600.0, "d": 86400.0}


def _split(text: object, what: str) -> tuple[float, str]:
    if isinstance(text, bool):
        raise UnitError(f"expected {what}, got a boolean")
    if isinstance(text, (int, float)):
        return float(text), ""
    if not isinstance(text, str):
        raise UnitError(f"expected {what} as a string such as {_EXAMPLES[what]}, got {text!r}")
    m = _QUANTITY.match(text.strip())
    if not m:
        raise UnitError(f"{text!r} is not {what}; write it like {_EXAMPLES[what]}")
    return float(m.group("num")), m.group("unit")


def _finite(text: object, value: float) -> float:
    """``inf``, ``nan``, ``1e400`` or ``1e308 GiB`` (inf once scaled) are no quantity."""
    if not math.isfinite(value):
        raise UnitError(f"{text!r} is not a finite number")
    return value


_EXAMPLES = {
    "a size": '"64 GiB", "4 KiB" or "512 MB"',
    "a duration": '"300 ms", "2 s" or "1.5 h"',
    "a bandwidth": '"10 Gbps", "80 MB/s" or "1.25 GB/s"',
    "a rate": '"2000 pages/s" or "80 MB/s"',
    "a fraction": '"75%" or 0.75',
}


def _prefix(unit: str, suffix: str) -> float | None:
    if not unit.endswith(suffix):
        return None
    return _PREFIX.get(unit[: len(unit) - len(suffix)])


def parse_bytes(text: object) -> int:
    """``"64 GiB"`` -> 68719476736. A bare number is bytes. Negative sizes are rejected."""
    value, unit = _split(text, "a size")
    factor = 1.0 if unit == "" else _prefix(unit, "B")
    if factor is None:
        raise UnitError(f"{text!r}: unknown size unit {unit!r}; write it like {_EXAMPLES['a size']}")
    if value < 0:
        raise UnitError(f"{text!r}: a size cannot be negative")
    return int(round(_finite(text, value * factor)))


def parse_duration(text: object) -> float:
    """``"300 ms"`` -> 0.3 (seconds). A bare number is seconds. Negative durations are rejected."""
    value, unit = _split(text, "a duration")
    factor = 1.0 if unit == "" else _TIME.get(unit)
    if factor is None:
        raise UnitError(f"{text!r}: unknown time unit {unit!r}; write it like {_EXAMPLES['a duration']}")
    if value < 0:
        raise UnitError(f"{text!r}: a duration cannot be negative")
    return _finite(text, value * factor)


def parse_bandwidth(text: object) -> float:
    """``"10 Gbps"`` -> 1.25e9 bytes/s; ``"80 MB/s"`` -> 8e7. A bare number is bytes/s."""
    value, unit = _split(text, "a bandwidth")
    if unit == "":
        factor: float | None = 1.0
    elif (f := _prefix(unit, "bps")) is not None or (f := _prefix(unit, "bit/s")) is not None:
        factor = f / 8
    else:
        factor = _prefix(unit, "B/s")
    if factor is None:
        raise UnitError(f"{text!r}: unknown bandwidth unit {unit!r}; write it like {_EXAMPLES['a bandwidth']}")
    if value < 0:
        raise UnitError(f"{text!r}: a bandwidth cannot be negative")
    return _finite(text, value * factor)


@dataclass(frozen=True)
class Rate:
    """A write rate, either in pages per second or in bytes per second (resolved with a page size)."""

    value: float
    per: str  # "pages" or "bytes"

    def pages_per_s(self, page_size: int) -> float:
        return self.value if self.per == "pages" else self.value / page_size

    def __str__(self) -> str:
        return f"{self.value:g} pages/s" if self.per == "pages" else fmt_bandwidth(self.value)


def parse_rate(text: object) -> Rate:
    """``"2000 pages/s"`` -> Rate(2000, "pages"); ``"80 MB/s"`` -> Rate(8e7, "bytes")."""
    if isinstance(text, Rate):
        return text
    value, unit = _split(text, "a rate")
    if unit in ("pages/s", "page/s", "pps"):
        if value < 0:
            raise UnitError(f"{text!r}: a rate cannot be negative")
        return Rate(_finite(text, value), "pages")
    if unit == "":
        raise UnitError(f"{text!r}: a rate needs a unit; write it like {_EXAMPLES['a rate']}")
    try:
        return Rate(parse_bandwidth(text), "bytes")
    except UnitError as exc:
        if "finite" in str(exc):
            raise
        raise UnitError(f"{text!r}: unknown rate unit {unit!r}; write it like {_EXAMPLES['a rate']}") from None


def parse_fraction(text: object) -> float:
    """``"75%"`` -> 0.75; ``0.75`` -> 0.75. Must lie in [0, 1]."""
    value, unit = _split(text, "a fraction")
    if unit == "%":
        value /= 100
    elif unit != "":
        raise UnitError(f"{text!r}: a fraction is a number in [0, 1] or a percentage")
    if not 0 <= value <= 1:
        raise UnitError(f"{text!r}: a fraction must lie between 0 and 1 (0% and 100%)")
    return value


def fmt_bytes(n: float) -> str:
    """1536 -> ``"1.5 KiB"``."""
    for unit, f in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if abs(n) >= f:
            return f"{n / f:.4g} {unit}"
    return f"{n:.0f} B"


def fmt_duration(s: float) -> str:
    """3725.0 -> ``"1h02m05s"``; 0.25 -> ``"250 ms"``."""
    if s != s:  # NaN
        return "-"
    if abs(s) < 1:
        return f"{s * 1000:.3g} ms"
    if abs(s) < 60:
        return f"{s:.3g} s"
    m, sec = divmod(s, 60)
    if m < 60:
        return f"{int(m)}m{sec:04.1f}s"
    h, m = divmod(m, 60)
    return f"{int(h)}h{int(m):02d}m{int(sec):02d}s"


def fmt_bandwidth(bps: float) -> str:
    """1.25e9 bytes/s -> ``"10 Gbps"``."""
    bits = bps * 8
    for unit, f in (("Tbps", 1e12), ("Gbps", 1e9), ("Mbps", 1e6), ("kbps", 1e3)):
        if bits >= f:
            return f"{bits / f:.4g} {unit}"
    return f"{bits:.4g} bps"
