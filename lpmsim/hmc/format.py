"""The HMC CLI's default output and input format (IBM's lssyscfg / lshwres / migrlpar man
pages): one object per line, ``attribute=value`` pairs separated by commas; a value that holds
commas is written with the whole pair in double quotes (``"lpar_names=a,b"``), and a quote
inside such a value is doubled. ``none`` and an empty value mean "not set"."""

from __future__ import annotations


class ProblemsError(ValueError):
    """Every problem of one input at once; ``problems`` lists them, each naming where."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class FormatError(ValueError):
    """A line that is not attribute=value pairs; the message says where."""


def split_pairs(line: str) -> list[str]:
    """``a=1,"b=2,3",c=`` -> ["a=1", "b=2,3", "c="] (quotes removed, "" kept as ")."""
    out: list[str] = []
    cur: list[str] = []
    quoted = False
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == '"':
            if quoted and i + 1 < len(line) and line[i + 1] == '"':
                cur.append('"')  # a doubled quote inside a quoted pair
                i += 2
                continue
            quoted = not quoted
        elif ch == "," and not quoted:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    if quoted:
        raise FormatError("a double quote is not closed")
    out.append("".join(cur))
    return out


def parse_line(line: str) -> dict[str, str]:
    """One object: {attribute: value}. Raises FormatError for a pair without ``=`` or an
    attribute given twice."""
    out: dict[str, str] = {}
    for pair in split_pairs(line.strip()):
        if not pair.strip():
            continue
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise FormatError(f"{pair!r} is not attribute=value")
        if name in out:
            raise FormatError(f"attribute {name!r} appears twice")
        out[name] = value.strip()
    return out


def unset(value: str | None) -> bool:
    return value is None or value.strip().lower() in ("", "none", "null")


def items(value: str) -> list[str]:
    """A multi-valued attribute (``a,b`` once unquoted, or ``none``) as its items."""
    return [] if unset(value) else [v.strip() for v in value.split(",") if v.strip()]
