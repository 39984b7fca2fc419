"""What a VIOS offers its client partitions: SAN ports, bridged VLANs, paging devices.

A VIOS owns the physical adapters. Its Fibre Channel ports log in to a SAN *fabric*; a virtual
FC adapter mapped to a port reaches whatever its WWPNs are zoned to on that fabric. Its Shared
Ethernet Adapters (SEAs) bridge VLANs of a virtual switch to the physical LAN. In an Active
Memory Sharing (AMS) pool it is a *paging VIOS*: it serves paging devices, one per shared-memory
partition; a device seen by two paging VIOS of the same system can be used redundantly.

:class:`ServerAdapter` is not a scenario key: it is the derived view of a pipe from the VIOS's
side (see :mod:`lpmsim.inventory.adapters`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from lpmsim.inventory.types import STRICT, Size

__all__ = ["FcPort", "Interface", "PagingDevice", "Sea", "ServerAdapter"]


class FcPort(BaseModel):
    """A physical Fibre Channel port of a VIOS (``fcs0``) and the fabric it is cabled to."""

    model_config = STRICT
    name: str
    fabric: str = ""
    npiv: bool = Field(default=True, description="NPIV capable and enabled")


class Interface(BaseModel):
    """A VIOS network interface an MSP can move memory over (``migrlpar -i source_msp_ipaddr``
    picks one by its address, S18): the links behind it, from the VIOS outwards."""

    model_config = STRICT
    name: str
    ip: str = ""
    links: tuple[str, ...] = ()


class Sea(BaseModel):
    """A Shared Ethernet Adapter: the VLANs of one virtual switch it bridges to the LAN."""

    model_config = STRICT
    name: str
    vlans: tuple[int, ...] = Field(default=(1,), description="PVID and tagged VLANs of its trunks")
    vswitch: str = "ETHERNET0"


class PagingDevice(BaseModel):
    """A paging space device of the system's shared memory pool, as one paging VIOS sees it.

    ``device`` names the disk by identity: the same name on two VIOS of a system is one device
    reachable through both (redundant paging VIOS). ``partition`` is the shared-memory partition
    using it, "" when free.
    """

    model_config = STRICT
    device: str
    size: Size
    partition: str = ""


@dataclass(frozen=True)
class ServerAdapter:
    """A virtual server adapter in a VIOS slot, derived from a client adapter of a partition."""

    kind: Literal["vscsi", "vfc"]
    slot: int
    client: str
    client_slot: int
    #: vscsi: the VTD names behind it ("" for a generated one); vfc: the physical port.
    vtds: tuple[str, ...] = ()
    port: str = ""
