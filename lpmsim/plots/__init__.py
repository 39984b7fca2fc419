"""matplotlib figures of results; each takes DataFrames and returns an Axes."""

from lpmsim.plots.timeline import timeline

__all__ = ["timeline"]
