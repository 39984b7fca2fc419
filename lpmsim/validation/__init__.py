"""Validation of a planned migration, as the HMC does it (seed step 4, ``migrlpar -o v``).

Pure functions over an :class:`lpmsim.inventory.Inventory`: :func:`validate` lists every
:class:`Finding`, :func:`recommended_mappings` proposes where each virtual adapter goes, and
:func:`would_migrate` says whether the findings allow the migration.
"""

from lpmsim.validation.findings import Finding, would_migrate
from lpmsim.validation.mapping import recommend, recommended_mappings
from lpmsim.validation.validate import Validation, check_migration, validate

__all__ = ["Finding", "Validation", "check_migration", "recommend", "recommended_mappings",
           "validate", "would_migrate"]
