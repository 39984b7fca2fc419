"""A partition's virtual adapters and its partition profiles.

A virtual SCSI or virtual Fibre Channel (NPIV) client adapter is one end of a pipe: it sits in a
virtual slot of the partition, and its other end, a *server adapter*, sits in a virtual slot of a
VIOS. The inventory records each pipe once, from the partition's side (``vios`` and
``vios_slot`` name the server end), so the server adapters a VIOS hosts are derived from the
partitions (:meth:`lpmsim.inventory.Inventory.server_adapters`) and can never disagree with them.

Behind a vSCSI server adapter the VIOS maps disks to *virtual target devices* (VTDs), named by
the administrator (``db01_rootvg``) or by the VIOS (``vtscsi3``). Partition Mobility keeps
user-defined VTD names where it can, never ``vtscsiN`` ones (IBM docs "Partition Mobility
process", step 4). Disks are named by their LUN identity, the same from every VIOS that sees them.

A vFC adapter has a pair of WWPNs: the first logs in to the SAN now, the second is the one the
destination VIOS logs in during a migration, so it must be zoned and masked to the same storage
(IBM, S38). A virtual Ethernet adapter has no VIOS end: it plugs into the hypervisor's virtual
switch, and a Shared Ethernet Adapter on some VIOS bridges its VLANs to the physical network.

A partition profile is the HMC's record of a configuration to activate. Its fields left out
(``None``) are the partition's current configuration.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from lpmsim.inventory.types import STRICT, Size

__all__ = [
    "BackingDevice", "Profile", "VirtualEthAdapter", "VirtualFcAdapter", "VirtualScsiAdapter",
    "is_generated_vtd",
]

_GENERATED_VTD = re.compile(r"vtscsi\d+")


def is_generated_vtd(name: str) -> bool:
    """True for a VTD name the VIOS made up (``vtscsi3``) or no name at all."""
    return not name or _GENERATED_VTD.fullmatch(name) is not None


class BackingDevice(BaseModel):
    """A disk behind a vSCSI server adapter: a VIOS device mapped to a virtual target device."""

    model_config = STRICT
    #: LUN identity (unique_id, WWID): the same from every VIOS that sees the disk.
    lun: str
    #: Name of the virtual target device on the VIOS; "" or ``vtscsiN``: named by the VIOS.
    vtd: str = ""
    #: pv = a SAN disk (hdisk); lv / file / optical are local to the VIOS and cannot move.
    kind: Literal["pv", "lv", "file", "optical"] = "pv"
    #: The hdisk's reserve policy on the VIOS; shared disks need no_reserve (S3, S35).
    reserve_policy: Literal["no_reserve", "single_path", "PR_exclusive", "PR_shared"] = "no_reserve"

    @property
    def user_named(self) -> bool:
        return not is_generated_vtd(self.vtd)


class VirtualScsiAdapter(BaseModel):
    """A virtual SCSI client adapter and the disks its server adapter maps."""

    model_config = STRICT
    slot: int = Field(ge=2, description="client virtual slot (adapter ID)")
    vios: str
    vios_slot: int = Field(ge=2, description="virtual slot of the server adapter on the VIOS")
    devices: tuple[BackingDevice, ...] = ()

    @property
    def luns(self) -> tuple[str, ...]:
        return tuple(d.lun for d in self.devices)


class VirtualFcAdapter(BaseModel):
    """A virtual Fibre Channel (NPIV) client adapter, mapped on its VIOS to a physical FC port."""

    model_config = STRICT
    slot: int = Field(ge=2, description="client virtual slot (adapter ID)")
    vios: str
    vios_slot: int = Field(ge=2, description="virtual slot of the server adapter on the VIOS")
    #: The VIOS's physical FC port the server adapter is mapped to (vfcmap), e.g. "fcs0"; its
    #: fabric is in the VIOS's ``fc_ports``.
    port: str
    #: (active, inactive) WWPNs. A migration logs in the inactive one on the destination; after
    #: it the two swap roles.
    wwpns: tuple[str, str]
    #: LUNs the partition uses through this adapter (zoned and masked to the active WWPN).
    storage: tuple[str, ...] = ()
    #: LUNs the inactive WWPN is zoned and masked to; left out: the same as ``storage``.
    inactive_storage: tuple[str, ...] | None = None

    @property
    def inactive_sees(self) -> frozenset[str]:
        return frozenset(self.storage if self.inactive_storage is None else self.inactive_storage)


class VirtualEthAdapter(BaseModel):
    """A virtual Ethernet adapter on a virtual switch: untagged PVID plus tagged VLANs."""

    model_config = STRICT
    slot: int = Field(ge=2, description="client virtual slot (adapter ID)")
    pvid: int = Field(default=1, ge=1, le=4094)
    vlans: tuple[int, ...] = Field(default=(), description="additional (IEEE 802.1Q) VLAN IDs")
    vswitch: str = "ETHERNET0"
    mac: str = ""

    @property
    def all_vlans(self) -> tuple[int, ...]:
        return (self.pvid, *(v for v in self.vlans if v != self.pvid))

    @model_validator(mode="after")
    def _vlan_range(self):
        bad = [v for v in self.vlans if not 1 <= v <= 4094]
        if bad:
            raise ValueError(f"VLAN IDs must lie in 1..4094, got {bad}")
        return self


class Profile(BaseModel):
    """A partition profile. Fields left out are the partition's current configuration."""

    model_config = STRICT
    name: str
    memory: Size | None = None
    processors: float | None = Field(default=None, gt=0)
    io_slots: tuple[str, ...] | None = None
    virtual_scsi_adapters: tuple[VirtualScsiAdapter, ...] | None = None
    virtual_fc_adapters: tuple[VirtualFcAdapter, ...] | None = None
    virtual_eth_adapters: tuple[VirtualEthAdapter, ...] | None = None
