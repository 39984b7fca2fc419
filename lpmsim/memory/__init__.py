"""Memory: page state as numpy bitmaps and the workloads that dirty it. Pure numpy, no SimPy."""

from lpmsim.memory.pages import PageState
from lpmsim.memory.workload import Writer, writers_for

__all__ = ["PageState", "Writer", "writers_for"]
