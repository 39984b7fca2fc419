"""Inventory: the managed systems, VIOS, links and partitions of a scenario, as pure data."""

from lpmsim.inventory.adapters import (
    BackingDevice, Profile, VirtualEthAdapter, VirtualFcAdapter, VirtualScsiAdapter,
)
from lpmsim.inventory.hosting import FcPort, PagingDevice, Sea, ServerAdapter
from lpmsim.inventory.mappings import AdapterMapping, Candidate, MappingOverride, MigrationOptions
from lpmsim.inventory.models import Link, ManagedSystem, Partition, Vios, Workload
from lpmsim.inventory.types import Portion
from lpmsim.inventory.world import Inventory

__all__ = [
    "AdapterMapping", "BackingDevice", "Candidate", "FcPort", "Inventory", "Link",
    "ManagedSystem", "MappingOverride", "MigrationOptions", "PagingDevice", "Partition",
    "Portion", "Profile", "Sea", "ServerAdapter", "VirtualEthAdapter", "VirtualFcAdapter",
    "VirtualScsiAdapter", "Vios", "Workload",
]
