"""Inventory: the managed systems, VIOS, links and partitions of a scenario, as pure data."""

from lpmsim.inventory.models import Link, ManagedSystem, Partition, Vios, Workload
from lpmsim.inventory.types import Portion
from lpmsim.inventory.world import Inventory

__all__ = ["Inventory", "Link", "ManagedSystem", "Partition", "Portion", "Vios", "Workload"]
