"""The Hardware Management Console: it orchestrates every step of the seed table.

One ``migrate`` process per `migrlpar -o m`. Active (seed column 1): requirements (1), validate
(3), adapter mappings (4), prepare (5), state transfer (6: profiles by the HMC, memory by the
MSPs), suspend (7), resume on the destination (8: post-copy until VASI COMPLETED), complete and
reclaim the source (9), postrequisite tasks (11). Inactive (column 2): requirements (1), shut
down (2), 3, 4, 5, profiles (6), 9, activate on the destination (10), 11; no MSPs are used.

Concurrency limits are SimPy Resources: per managed system (MaximumActiveMigrations and
MaximumInactiveMigrations) and per MSP (cfg_msp_lpm_ops). They are requested in one global
order (by name) so two migrations can never hold each other's slots.
"""

from __future__ import annotations

import simpy

from lpmsim.actors.hypervisor import Hypervisor
from lpmsim.actors.migration import Migration
from lpmsim.actors.msp import Mover, Msp
from lpmsim.actors.records import PhaseRecord, Recorder
from lpmsim.actors.vasi import State, VasiStream
from lpmsim.scenario import Scenario


class Hmc:
    def __init__(self, env: simpy.Environment, scenario: Scenario, hypervisors: dict[str, Hypervisor],
                 msps: dict[str, Msp], recorder: Recorder, validate, ledger=None):
        self.env = env
        self.steps = scenario.hmc
        self.hyp = scenario.hypervisor
        self.hypervisors = hypervisors
        self.msps = msps
        self.recorder = recorder
        self.validate = validate  # (migration) -> list of error messages
        #: The inventory as it changes (steps 5, 6, 9, 10 and aborts); see lpmsim.simulate.ledger.
        self.ledger = ledger or NullLedger()
        self.active = {s.name: simpy.Resource(env, s.max_active_migrations) for s in scenario.systems}
        self.inactive = {s.name: simpy.Resource(env, s.max_inactive_migrations) for s in scenario.systems}

    # -- helpers -------------------------------------------------------------------------------
    def phase(self, mig: Migration, step: int, name: str, start: float) -> None:
        self.recorder.phases.append(PhaseRecord(mig.id, step, name, start, self.env.now))

    def timed(self, mig: Migration, step: int, name: str, duration: float):
        start = self.env.now
        yield self.env.timeout(duration)
        self.phase(mig, step, name, start)

    def slots(self, mig: Migration) -> list[simpy.Resource]:
        table = self.active if mig.mode == "active" else self.inactive
        named = [(f"system:{mig.source}", table[mig.source]),
                 (f"system:{mig.destination}", table[mig.destination])]
        if mig.mode == "active":
            named += [(f"msp:{mig.src_msp}", self.msps[mig.src_msp].slots),
                      (f"msp:{mig.dst_msp}", self.msps[mig.dst_msp].slots)]
        return [res for _, res in sorted(named, key=lambda item: item[0])]

    # -- the migration -------------------------------------------------------------------------
    def migrate(self, mig: Migration):
        """Process: one migration from `migrlpar -o m` to the end of step 11."""
        yield self.env.timeout(mig.spec.start)
        self.recorder.event(self.env.now, mig.id, "hmc", "migrlpar", f"-o m -t {mig.destination}")
        yield from self.timed(mig, 1, "requirements", self.steps.requirements)
        if mig.mode == "inactive" and mig.partition.state == "running":
            yield from self.timed(mig, 2, "shutdown", self.steps.shutdown)
            self.ledger.shutdown(mig)
        start = self.env.now
        yield self.env.timeout(self.steps.validate_)
        problems = self.validate(mig)
        self.phase(mig, 3, "validate", start)
        if problems:
            mig.outcome, mig.reason = "validation_failed", "; ".join(problems)
            mig.end = self.env.now
            self.recorder.event(self.env.now, mig.id, "hmc", "validation_failed", mig.reason)
            return
        held = []
        mig.queued = self.env.now
        for res in self.slots(mig):
            req = res.request()
            yield req
            held.append((res, req))
        mig.admitted = self.env.now
        try:
            yield from self.timed(mig, 4, "mapping", self.steps.mapping)
            yield from self.timed(mig, 5, "prepare", self.steps.prepare)
            self.ledger.prepare(mig)
            if mig.mode == "active":
                yield from self.active_steps(mig)
            else:
                yield from self.timed(mig, 6, "transfer", self.steps.profiles)
            self.ledger.transfer_profiles(mig)
            yield from self.timed(mig, 9, "complete", self.steps.cleanup)
            self.ledger.complete(mig)
        finally:
            for res, req in held:
                res.release(req)
        mig.outcome = "completed"
        mig.end = self.env.now
        if mig.mode == "inactive":
            yield from self.timed(mig, 10, "activate", self.steps.activate)
            self.ledger.activate(mig)
        yield from self.timed(mig, 11, "post", self.steps.post)

    def active_steps(self, mig: Migration):
        env = self.env
        src, dst = self.hypervisors[mig.source], self.hypervisors[mig.destination]
        # step 6: the HMC moves the profiles while the MSPs move memory
        start = env.now
        mig.stream = VasiStream(env, mig.id, self.recorder)
        mig.precopy_done, mig.state_sent = env.event(), env.event()
        src.open(mig)
        mig.stream.set(State.ENABLED, src.scope)
        mover = Mover(env, mig, src, dst, self.msps[mig.src_msp], self.msps[mig.dst_msp], self.recorder)
        env.process(mover.run())
        yield env.all_of([env.timeout(self.steps.profiles), mig.precopy_done])
        self.phase(mig, 6, "transfer", start)
        # step 7: the HMC suspends; the OS sees SUSPENDING at its next VASI poll and suspends
        start = env.now
        mig.stream.set(State.SUSPENDING, "hmc", mig.stop_reason)
        poll = self.hyp.os_poll
        if poll > 0:
            since = env.now - mig.stream.times[State.ENABLED]
            yield env.timeout((poll - since % poll) % poll)
        yield env.timeout(self.hyp.suspend)
        mig.stream.set(State.SUSPENDED, f"{mig.partition.name}.os")
        env.process(dst.resume(mig))
        yield mig.stream.when[State.RESUMED]
        self.phase(mig, 7, "suspend", start)
        # step 8: running on the destination; pages still arriving until COMPLETED
        start = env.now
        yield mig.stream.when[State.COMPLETED]
        self.phase(mig, 8, "resume", start)


class NullLedger:
    """Keeps no inventory: for worlds built without one."""

    def shutdown(self, mig): pass
    def prepare(self, mig): pass
    def transfer_profiles(self, mig): pass
    def complete(self, mig): pass
    def activate(self, mig): pass
    def abort(self, mig): pass
