"""The user's files, read and written with care (issue 15).

- Inputs (scenarios, overlays, baselines, observation CSVs, fidelity cases, HMC dumps) are read
  with a size bound, so ``lpmsim run /dev/zero`` is an error, not a memory blow-up.
- Outputs are never written through a symbolic link: a link where a result file should go may
  point anywhere (``results/x/summary.txt -> ~/.bashrc``). The folder itself may be a link (a
  results directory on another disk is a normal setup); the files in it may not.
- Callers say when a file is replaced; baselines and calibration overlays, which a user keeps,
  are replaced only with ``--force``.

Both raise ``OSError`` subclasses, which every entry point already reports as "cannot read /
cannot write PATH: reason" with exit 2.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Largest input file read (bytes). The shipped 64-partition evacuation is 40 KiB; an HMC dump
#: of a large enterprise is a few MiB.
MAX_INPUT_BYTES = 64 * 2**20


class InputTooLarge(OSError):
    def __str__(self) -> str:
        return self.args[0]


class UnsafeTarget(OSError):
    def __str__(self) -> str:
        return self.args[0]


class BadPath(OSError):
    def __str__(self) -> str:
        return self.args[0]


def read_bytes(path: str | Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    if "\x00" in str(path):
        raise BadPath("a file name cannot hold a NUL character")
    with open(path, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise InputTooLarge(f"larger than {limit // 2**20} MiB: not an lpmsim input")
    return data


def read_text(path: str | Path, limit: int = MAX_INPUT_BYTES) -> str:
    """The file as UTF-8 text (a leading byte-order mark removed), at most ``limit`` bytes."""
    return read_bytes(path, limit).decode("utf-8-sig")


def check_target(path: str | Path) -> bool:
    """Raise UnsafeTarget when ``path`` is a symbolic link; True when it exists (is replaced)."""
    path = Path(path)
    if "\x00" in str(path):
        raise BadPath("a file name cannot hold a NUL character")
    if path.is_symlink():
        raise UnsafeTarget(f"{path} is a symbolic link; lpmsim does not write through links")
    return path.exists()


def write_text(path: str | Path, text: str) -> bool:
    """Write ``text`` to ``path`` (never through a link); True when a file was replaced."""
    replaced = check_target(path)
    # O_NOFOLLOW: a link made between the check and the open fails the open too
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return replaced
