"""The inventory as migrations change it: the HMC's view of systems, VIOS and partitions.

The HMC calls the ledger at the seed table's steps: validation (3, with the recommended adapter
mappings of step 4), ``prepare`` (5: shell partition and destination server adapters),
``transfer_profiles`` (6), ``complete`` (9: the source reclaims everything), ``activate`` (10,
inactive only) and ``abort``. Each step makes a new frozen :class:`Inventory` through the pure
functions of :mod:`lpmsim.inventory.changes`; the ledger keeps the inventory before and after
every migration so a user can diff them.
"""

from __future__ import annotations

from lpmsim.actors.migration import Migration
from lpmsim.inventory import Inventory, changes
from lpmsim.validation import Validation, check_migration


class Ledger:
    def __init__(self, inventory: Inventory, note=lambda mig, event, detail: None):
        self.note = note  # records what went wrong at a step that cannot fail the migration
        self.initial = inventory
        self.inventory = inventory
        self.validations: dict[str, Validation] = {}
        self.before: dict[str, Inventory] = {}
        self.after: dict[str, Inventory] = {}

    def shutdown(self, mig: Migration) -> None:
        self.inventory = changes.shutdown(self.inventory, mig.plan.partition.name)

    def validate(self, mig: Migration) -> Validation:
        """Step 3 (`migrlpar -o m` validates first) against the inventory as it is now.
        Concurrency limits are not checked here: the HMC queues migrations past a limit."""
        v = check_migration(self.inventory, mig.plan.partition.name, mig.plan.destination, mig.plan.mode,
                            **mig.plan.spec.options.kwargs())
        self.validations[mig.id] = v
        return v

    def prepare(self, mig: Migration) -> None:
        self.before[mig.id] = self.inventory
        v = self.validations[mig.id]
        self.inventory = changes.prepare(self.inventory, mig.plan.partition.name, mig.plan.destination,
                                         v.mappings, dest_id=mig.plan.spec.options.dest_id,
                                         redundant_paging=mig.plan.spec.options.redundant_paging)

    def transfer_profiles(self, mig: Migration) -> None:
        self.inventory = changes.transfer_profiles(self.inventory, mig.plan.partition.name)

    def complete(self, mig: Migration) -> None:
        self.inventory = changes.complete(self.inventory, mig.plan.partition.name)
        self.after[mig.id] = self.inventory

    def activate(self, mig: Migration) -> None:
        """Step 10. The migration has completed; a failed activation (no free memory,
        processors or paging device on the destination) is noted, not raised."""
        try:
            self.inventory = changes.activate(self.inventory, mig.plan.partition.name,
                                              redundant_paging=mig.plan.spec.options.redundant_paging)
        except ValueError as exc:
            self.note(mig, "activation_failed", str(exc))
        self.after[mig.id] = self.inventory

    def abort(self, mig: Migration) -> None:
        if mig.id in self.before:
            self.inventory = changes.abort(self.inventory, mig.plan.partition.name)
        self.after[mig.id] = self.inventory
