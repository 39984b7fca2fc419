"""Sweeps: one scenario over a grid of values and seeds, local processes or Dask.

``simulate_many(path, grid={"links.lpm-10g.bandwidth": "linspace(1 Gbps, 25 Gbps, 5)"}, seeds=3)``
returns a :class:`SweepResult` whose ``table`` has one row per run and migration.
"""

from lpmsim.sweep.backends import BackendError
from lpmsim.sweep.grid import Axis, GridError, make_axes, parse_axis, parse_values, points
from lpmsim.sweep.result import SweepResult
from lpmsim.sweep.run import simulate_many

__all__ = ["Axis", "BackendError", "GridError", "SweepResult", "make_axes", "parse_axis",
           "parse_values", "points", "simulate_many"]
