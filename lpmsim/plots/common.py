"""What every plot shares: new axes, and saving a PNG when asked. The backend is the user's
(a notebook shows figures); only the CLI chooses Agg (:mod:`lpmsim.cli`)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt


def new_axes(figsize=(9, 4.5)):
    _, ax = plt.subplots(figsize=figsize)
    return ax


def finish(ax, path: str | Path | None):
    """Save the figure of ``ax`` as a PNG at ``path`` (and close it); return ``ax``."""
    if path is not None:
        ax.figure.tight_layout()
        ax.figure.savefig(path, dpi=110)
        plt.close(ax.figure)
    return ax
