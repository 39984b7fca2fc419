"""Fault injection: the scenario's ``[[faults]]`` and ``[[background]]`` as SimPy processes.

Picture an operator with a stopwatch next to the machine room: at a time, or when a named
migration reaches a step, they pull a cable (link down), throttle a switch port (degraded), crash
a VIOS (its mover service fails: the ``msp:<vios>`` pseudo-link goes down, so every stream
through it breaks, and the HMC queue stops choosing it), deconfigure memory on a system, or type
`migrlpar -o s` (stop) and later `-o r` (recover). The refused suspend is not timed: the HMC reads
it from the migration when it asks the OS to suspend.

Nothing here decides an outcome: a fault only changes the network, the MSPs or the HMC's view of
memory, or interrupts the HMC's process with a typed cause; the actors decide what follows
(:mod:`lpmsim.actors.hmc`, :mod:`lpmsim.actors.msp`).
"""

from __future__ import annotations

import simpy

from lpmsim.actors.causes import LinkFault
from lpmsim.actors.records import Recorder
from lpmsim.scenario.faults import PHASE_STEP


class Injector:
    def __init__(self, env: simpy.Environment, network, hmc, migrations: dict, recorder: Recorder):
        self.env, self.network, self.hmc = env, network, hmc
        self.migrations = migrations  # id -> Migration
        self.recorder = recorder

    def start(self, faults, background) -> None:
        """Start one process per fault and per background stream."""
        for fault in faults:
            if fault.kind == "suspend_refused":
                self.migrations[fault.migration].suspend_refusals = fault.refusals
            else:
                self.env.process(self.inject(fault))
        for bg in background:
            self.env.process(self.traffic(bg))

    def inject(self, fault):
        """Process: wait for the fault's moment, then act."""
        if fault.at is not None:
            yield self.env.timeout(fault.at)
        else:
            mig = self.migrations[fault.migration]
            yield mig.when(self.env, PHASE_STEP[fault.phase])
        if fault.after:
            yield self.env.timeout(fault.after)
        yield from getattr(self, fault.kind)(fault)

    def note(self, fault, event: str, detail: str) -> None:
        self.recorder.event(self.env.now, getattr(fault, "migration", None) or "", "fault", event,
                            detail)

    # -- the kinds -------------------------------------------------------------------------------
    def link_down(self, fault):
        self.note(fault, "link_down", fault.link)
        self.network.fail(fault.link, LinkFault("link", fault.link, f"link {fault.link} is down"))
        if fault.duration is not None:
            yield self.env.timeout(fault.duration)
            self.network.restore(fault.link)
            self.note(fault, "link_up", fault.link)

    def link_degraded(self, fault):
        nominal = self.network.specs[fault.link].bandwidth
        self.note(fault, "link_degraded", f"{fault.link} at {fault.bandwidth:g} B/s")
        self.network.set_capacity(fault.link, fault.bandwidth)
        if fault.duration is not None:
            yield self.env.timeout(fault.duration)
            self.network.set_capacity(fault.link, nominal)
            self.note(fault, "link_restored", fault.link)

    def msp_failure(self, fault):
        msp = self.hmc.msps[fault.vios]
        self.note(fault, "msp_failure", fault.vios)
        self.network.fail(msp.cpu_link, LinkFault("msp", fault.vios))
        self.hmc.admission.dispatch()  # queued migrations that now have no MSP left fail
        if fault.duration is not None:
            yield self.env.timeout(fault.duration)
            self.network.restore(msp.cpu_link)
            self.note(fault, "msp_up", fault.vios)
            self.hmc.admission.dispatch()

    def memory_loss(self, fault):
        self.hmc.lost_memory[fault.system] += fault.memory
        self.note(fault, "memory_loss", f"{fault.system} lost {fault.memory} bytes")
        return
        yield

    def stop(self, fault):
        self.hmc.stop(self.migrations[fault.migration], fault)
        return
        yield

    def traffic(self, bg):
        """Process: background traffic on a link from ``start`` to ``end``."""
        if bg.start:
            yield self.env.timeout(bg.start)
        self.network.background(bg.link, bg.rate, until=bg.end)


__all__ = ["Injector"]
