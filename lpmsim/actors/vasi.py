"""The VASI stream of one migration: the state machine the hypervisor, the MSPs and the OS share.

States and their numbers come from PAPR as Linux names them (arch/powerpc/include/asm/hvcall.h:
H_VASI_ENABLED 1, ABORTED 2, SUSPENDING 3, SUSPENDED 4, RESUMED 5, COMPLETED 6). Each state is a
SimPy event, so an actor waits for a state with ``yield stream.when[State.SUSPENDED]`` instead of
polling. Abort reason entities (Linux pseries/mobility.c): ORCHESTRATOR 1, VSP_SOURCE 2,
PARTITION_FIRMWARE 3, PLATFORM_FIRMWARE 4, VSP_TARGET 5, MIGRATING_PARTITION 6.
"""

from __future__ import annotations

from enum import Enum, IntEnum

import simpy

from lpmsim.actors.records import Recorder


class State(IntEnum):
    ENABLED = 1
    ABORTED = 2
    SUSPENDING = 3
    SUSPENDED = 4
    RESUMED = 5
    COMPLETED = 6


class Entity(Enum):
    ORCHESTRATOR = 1
    VSP_SOURCE = 2
    PARTITION_FIRMWARE = 3
    PLATFORM_FIRMWARE = 4
    VSP_TARGET = 5
    MIGRATING_PARTITION = 6


_ORDER = (State.ENABLED, State.SUSPENDING, State.SUSPENDED, State.RESUMED, State.COMPLETED)


class VasiStream:
    def __init__(self, env: simpy.Environment, migration: str, recorder: Recorder):
        self.env = env
        self.migration = migration
        self.recorder = recorder
        self.state: State | None = None
        self.when = {s: env.event() for s in State}
        self.times: dict[State, float] = {}

    def set(self, state: State, actor: str, detail: str = "") -> None:
        """Move to ``state`` (forward only; ABORTED from any state before COMPLETED)."""
        if state is State.ABORTED:
            if self.state in (State.COMPLETED, State.ABORTED):
                raise RuntimeError(f"cannot abort a {self.state.name} stream")
        elif self.state is not None and _ORDER.index(state) <= _ORDER.index(self.state):
            raise RuntimeError(f"VASI {self.state.name} -> {state.name} goes backwards")
        self.state = state
        self.times[state] = self.env.now
        self.recorder.event(self.env.now, self.migration, actor, state.name, detail)
        self.when[state].succeed(state)
