"""Virtual adapter mappings: where each client adapter of a migrating partition lands.

Seed step 4: for each vSCSI and vFC client adapter the HMC proposes a destination VIOS and a
virtual slot for its server adapter (a *recommended mapping*) and lists the other possible ones;
the user may choose others. These are the data of that exchange: :class:`MappingOverride` is what
a user writes (like ``migrlpar -i "virtual_scsi_mappings=12/vios1//16"``, S25, S28),
:class:`AdapterMapping` is what the HMC settles on and what step 5 applies
(:func:`lpmsim.inventory.changes.prepare`). :class:`MigrationOptions` gathers the ``migrlpar``
options that change validation. Recommendations are computed in
:mod:`lpmsim.validation.mapping`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from lpmsim.inventory.types import STRICT

__all__ = ["AdapterMapping", "Candidate", "MappingOverride", "MigrationOptions"]


class MappingOverride(BaseModel):
    """A user's mapping of one client adapter (by its client slot) to a destination VIOS."""

    model_config = STRICT
    adapter: int = Field(ge=2, description="client virtual slot of the vSCSI or vFC adapter")
    vios: str
    slot: int | None = Field(default=None, ge=2, description="server slot on the VIOS; None: HMC picks")
    port: str | None = Field(default=None, description="vFC only: the physical FC port")


class MigrationOptions(BaseModel):
    """``migrlpar`` options that change validation (S25); defaults are lpmsim's choices.

    - ``mappings``: user mappings; adapters not named get the recommended ones.
    - ``redundant_paging``: AMS paging VIOS redundancy on the destination: 0 none, 1 required,
      2 if possible (S3 Mig_PagingVIOSRedundancy).
    - ``mpio``: 1 multipath I/O must be kept (an error otherwise), 2 kept if possible (a warning).
    - ``vlan_bridge``: 1 every VLAN must be bridged on the destination (an error otherwise),
      2 if possible (a warning).
    - ``dest_id``: partition ID to use on the destination; None keeps its ID when free.
    """

    model_config = STRICT
    mappings: tuple[MappingOverride, ...] = ()
    redundant_paging: Literal[0, 1, 2] = 2
    mpio: Literal[1, 2] = 2
    vlan_bridge: Literal[1, 2] = 1
    dest_id: int | None = Field(default=None, ge=1)

    def kwargs(self) -> dict:
        """Keyword arguments for :func:`lpmsim.validation.validate`."""
        return {"mappings": self.mappings, "redundant_paging": self.redundant_paging,
                "mpio": self.mpio, "vlan_bridge": self.vlan_bridge, "dest_id": self.dest_id}


@dataclass(frozen=True)
class Candidate:
    """A destination VIOS that can host an adapter, with the slot (and FC port) it would use."""

    vios: str
    slot: int
    port: str = ""


@dataclass(frozen=True)
class AdapterMapping:
    """One client adapter's move: from its source server adapter to a destination one.

    ``vios`` is None when no destination VIOS can host the adapter. ``vtds`` pairs each backing
    LUN with its VTD name on the destination ("" when the VIOS names it).
    """

    kind: Literal["vscsi", "vfc"]
    slot: int
    source_vios: str
    source_slot: int
    vios: str | None
    vios_slot: int | None
    port: str = ""
    vtds: tuple[tuple[str, str], ...] = ()
    possible: tuple[Candidate, ...] = ()
    user: bool = False

    @property
    def hosted(self) -> bool:
        return self.vios is not None and self.vios_slot is not None
