"""Inventory: the managed systems, VIOS, links and partitions of a scenario, as pure data."""

from lpmsim.inventory.models import Link, ManagedSystem, Partition, Vios, Workload
from lpmsim.inventory.types import Portion

__all__ = ["Link", "ManagedSystem", "Partition", "Portion", "Vios", "Workload"]
