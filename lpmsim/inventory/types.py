"""Pydantic field types that read human units (see :mod:`lpmsim.units`).

``Size``: bytes; ``Duration``: seconds; ``Bandwidth``: bytes/s; ``WriteRate``: a :class:`Rate`;
``Fraction``: a number in [0, 1] or a percentage; ``Portion``: a size or a fraction of a whole
(``"48 GiB"`` or ``"75%"``), resolved with :meth:`Portion.of`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, PlainSerializer

from lpmsim import units


#: The largest number a scenario may give (bytes, seconds, bytes/s, pages/s): beyond it a
#: value is a typo that would overflow later (1e308 GiB, 1e400 pages/s).
LARGEST = 1e18


def _strict(fn):
    def parse(value):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite number")
        try:
            out = fn(value)
        except units.UnitError as exc:
            raise ValueError(str(exc)) from None
        except OverflowError:
            raise ValueError(f"{value!r} is too large") from None
        number = getattr(out, "value", out if isinstance(out, (int, float)) else None)
        if number is not None and not isinstance(number, bool):
            if not math.isfinite(number):
                raise ValueError(f"{value!r} is not a finite number")
            if abs(number) > LARGEST:
                raise ValueError(f"{value!r} is too large (at most {LARGEST:g} in base units)")
        nbytes = getattr(out, "nbytes", None)
        if nbytes is not None and nbytes > LARGEST:
            raise ValueError(f"{value!r} is too large (at most {LARGEST:g} bytes)")
        return out
    return parse


@dataclass(frozen=True)
class Portion:
    """A size in bytes or a fraction of some whole."""

    nbytes: int | None = None
    fraction: float | None = None

    def of(self, whole: int) -> int:
        if self.nbytes is not None:
            return self.nbytes
        assert self.fraction is not None  # the validator sets exactly one
        return int(round(whole * self.fraction))

    def __str__(self) -> str:
        return units.fmt_bytes(self.nbytes) if self.nbytes is not None else f"{self.fraction:.6g}"

    def dump(self) -> int | float:
        """Exact, re-parsable form: bytes as an int, a fraction as a float."""
        return self.nbytes if self.nbytes is not None else float(self.fraction or 0.0)


def _portion(value) -> Portion:
    if isinstance(value, Portion):
        return value
    if isinstance(value, str) and value.strip().endswith("%"):
        return Portion(fraction=units.parse_fraction(value))
    if isinstance(value, float) and 0 <= value <= 1:
        return Portion(fraction=value)
    return Portion(nbytes=units.parse_bytes(value))


Size = Annotated[int, BeforeValidator(_strict(units.parse_bytes))]
Duration = Annotated[float, BeforeValidator(_strict(units.parse_duration))]
Bandwidth = Annotated[float, BeforeValidator(_strict(units.parse_bandwidth))]
Fraction = Annotated[float, BeforeValidator(_strict(units.parse_fraction))]
WriteRate = Annotated[units.Rate, BeforeValidator(_strict(units.parse_rate)),
                      PlainSerializer(lambda r: f"{r.value!r} {'pages/s' if r.per == 'pages' else 'B/s'}",
                                      return_type=str)]
PortionField = Annotated[Portion, BeforeValidator(_strict(_portion)), PlainSerializer(Portion.dump)]

#: Every data model: frozen, unknown keys rejected (a mistyped key is an error, not a silent default).
STRICT = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
