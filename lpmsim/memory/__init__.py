"""Memory: a partition's page state as a fluid over its address space (regions of alike pages,
a dirty bitmap of pieces, a scan cursor, a dirty log in closed form). Pure Python, no SimPy."""

from lpmsim.memory.fluid import PageFluid, Piece
from lpmsim.memory.regions import Region, regions_of

__all__ = ["PageFluid", "Piece", "Region", "regions_of"]
