"""A sweep task that kills its worker process the first time it runs (for test_sweep_limits):
the marker file named by $LPMSIM_KILL_MARKER records that it has."""

from __future__ import annotations

import os
from pathlib import Path

from lpmsim.sweep.worker import run_batch


def die_once(batch, scenarios):
    marker = Path(os.environ["LPMSIM_KILL_MARKER"])
    if not marker.exists():
        marker.write_text("killed")
        os._exit(9)  # as a kill -9 or the OOM killer would: no cleanup, the pool breaks
    return run_batch(batch, scenarios)


def always_die(batch, scenarios):
    os._exit(9)
