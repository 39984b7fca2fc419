"""matplotlib figures of results; each takes DataFrames and returns an Axes (and saves a PNG
when given ``path``): ``timeline`` (Gantt of the seed table's steps), ``pages`` (pages per pass of
one migration), ``curves`` (timings against a swept parameter), ``evacuation`` (per-partition
wait, transfer and downtime over link utilisation), ``progress`` (bytes remaining per
migration, or stacked for an evacuation)."""

from lpmsim.plots.curves import curves
from lpmsim.plots.evacuation import evacuation
from lpmsim.plots.pages import pages
from lpmsim.plots.progress import progress
from lpmsim.plots.timeline import timeline

__all__ = ["curves", "evacuation", "pages", "progress", "timeline"]
