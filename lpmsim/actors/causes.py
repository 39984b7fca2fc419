"""Why a migration stops early: the typed causes that actors pass with ``process.interrupt``.

Picture the VASI abort code the hypervisor keeps for a stream: which entity ended it and why.
PAPR names the entities (Linux arch/powerpc/platforms/pseries/mobility.c, S5): ORCHESTRATOR (the
HMC), VSP_SOURCE / VSP_TARGET (the source / destination mover service partition),
PARTITION_FIRMWARE, PLATFORM_FIRMWARE (the hypervisor), MIGRATING_PARTITION (the OS, which sends
H_VASI_SIGNAL CANCEL when it cannot suspend). A cause carries the entity, a short kind and a
human detail; the HMC turns it into the migration's outcome:

- before the partition runs on the destination: "aborted" (or "stopped" when the user stopped
  it and no `migrlpar -o r` followed); the partition keeps running on the source;
- after resume, when the source side can no longer serve pages: "lost".

Neither PHYP nor the HMC times a migration out on its own (S8): only these causes end one early.
"""

from __future__ import annotations

from dataclasses import dataclass

from lpmsim.actors.vasi import Entity
from lpmsim.kinds import FailureKind


@dataclass(frozen=True)
class Failure:
    """A cause for ``process.interrupt``: ``entity`` as VASI abort codes name it, ``kind`` one of
    "link", "msp", "suspend", "memory", "stop", and a human ``detail``."""

    entity: Entity
    kind: FailureKind
    detail: str

    def __str__(self) -> str:
        return f"{self.entity.name}: {self.detail}"


@dataclass(frozen=True)
class LinkFault:
    """The cause a fault hands to ``Network.fail`` (it ends up inside ``LinkDown.cause``)."""

    kind: str      # "link" or "msp"
    name: str      # the link or the VIOS
    detail: str = ""

    def __str__(self) -> str:
        return self.detail or f"{self.kind} {self.name} failed"





class Aborted(Exception):
    """Raised inside the HMC's own process with a :class:`Failure` (a step it runs fails)."""
__all__ = ["Aborted", "Failure", "LinkFault"]
