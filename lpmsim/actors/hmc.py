"""The Hardware Management Console: it orchestrates every step of the seed table.

One ``migrate`` process per `migrlpar -o m`. Active (seed column 1): requirements (1), validate
(3), adapter mappings (4), prepare (5), state transfer (6: profiles by the HMC, memory by the
MSPs), suspend (7), resume on the destination (8: post-copy until VASI COMPLETED), complete and
reclaim the source (9), postrequisite tasks (11). Inactive (column 2): requirements (1), shut
down (2), 3, 4, 5, profiles (6), 9, activate on the destination (10), 11; no MSPs are used.

Concurrency limits are SimPy Resources held by the HMC's queue (:mod:`lpmsim.actors.admission`):
per managed system (MaximumActiveMigrations and MaximumInactiveMigrations) and per MSP
(cfg_msp_lpm_ops); a migration takes all its slots at once when it is admitted.

Faults reach this process as ``process.interrupt(Failure)`` (:mod:`lpmsim.actors.causes`) or as
an ``Aborted`` it raises itself. Before resume the migration aborts: VASI ABORTED, the partition
keeps running on the source, the ledger removes the destination shell (IBM: the source copy is
authoritative until the suspend; op-test recovers with `migrlpar -o s` then `-o r`, S29). After
resume the destination depends on the source for the pages it has not received: losing the
source MSP or path then loses the partition (outcome "lost"; inference from S4/S6, facts §7).
"""

from __future__ import annotations

import simpy

from lpmsim.actors.admission import Admission
from lpmsim.actors.causes import Aborted, Failure
from lpmsim.actors.hypervisor import Hypervisor
from lpmsim.actors.migration import Migration
from lpmsim.actors.msp import Mover, Msp
from lpmsim.actors.records import PhaseRecord, Recorder
from lpmsim.actors.vasi import Entity, State, VasiStream
from lpmsim.scenario import Scenario
from lpmsim.units import fmt_bytes


class Hmc:
    def __init__(self, env: simpy.Environment, scenario: Scenario, hypervisors: dict[str, Hypervisor],
                 msps: dict[str, Msp], recorder: Recorder, validate, ledger=None, network=None):
        self.env = env
        self.scenario = scenario
        self.steps = scenario.hmc
        self.hyp = scenario.hypervisor
        self.hypervisors = hypervisors
        self.msps = msps
        self.recorder = recorder
        self.validate = validate  # (migration) -> list of error messages
        #: The inventory as it changes (steps 5, 6, 9, 10 and aborts); see lpmsim.simulate.ledger.
        self.ledger = ledger or NullLedger()
        if network is None:
            network = next(iter(msps.values())).network if msps else None
        #: The queue and the limits: per system and per MSP (lpmsim.actors.admission).
        self.admission = Admission(env, scenario, msps, network)
        self.active, self.inactive = self.admission.active, self.admission.inactive
        #: Memory each system lost to faults since the scenario began (memory_loss).
        self.lost_memory: dict[str, int] = {s.name: 0 for s in scenario.systems}

    # -- helpers -------------------------------------------------------------------------------
    def phase(self, mig: Migration, step: int, name: str, start: float) -> None:
        self.recorder.phases.append(PhaseRecord(mig.id, step, name, start, self.env.now))

    def timed(self, mig: Migration, step: int, name: str, duration: float):
        start = self.env.now
        mig.enter(name)
        yield self.env.timeout(duration)
        self.phase(mig, step, name, start)

    def free_memory(self, system: str) -> int:
        inv = getattr(self.ledger, "inventory", None) or self.scenario.inventory
        return inv.free_memory(system) - self.lost_memory[system]

    # -- the migration -------------------------------------------------------------------------
    def migrate(self, mig: Migration):
        """Process: one migration from `migrlpar -o m` to the end of step 11, or to its abort."""
        try:
            yield from self.run(mig)
        except (simpy.Interrupt, Aborted) as exc:
            cause = exc.cause if isinstance(exc, simpy.Interrupt) else exc.args[0]
            yield from self.fail(mig, cause)
        finally:
            self.admission.release(mig)
            mig.pages = mig.writes = mig.reads = None  # the bitmaps are no longer needed

    def run(self, mig: Migration):
        yield self.env.timeout(mig.spec.start)
        self.recorder.event(self.env.now, mig.id, "hmc", "migrlpar", f"-o m -t {mig.destination}")
        yield from self.timed(mig, 1, "requirements", self.steps.requirements)
        if mig.mode == "inactive" and mig.partition.state == "running":
            yield from self.timed(mig, 2, "shutdown", self.steps.shutdown)
            self.ledger.shutdown(mig)
        start = self.env.now
        mig.enter("validate")
        yield self.env.timeout(self.steps.validate_)
        problems = self.validate(mig) + self.admission.impossible(mig)
        self.phase(mig, 3, "validate", start)
        if problems:
            mig.outcome, mig.reason = "validation_failed", "; ".join(problems)
            mig.end = self.env.now
            self.recorder.event(self.env.now, mig.id, "hmc", "validation_failed", mig.reason)
            return
        mig.queued = self.env.now
        mig.lanes = yield self.admission.request(mig)
        mig.admitted = self.env.now
        if mig.lanes:
            mig.src_msp, mig.dst_msp = mig.lanes[0].src.vios.name, mig.lanes[0].dst.vios.name
            mig.path = mig.lanes[0].path
        self.recorder.event(self.env.now, mig.id, "hmc", "admitted",
                            ",".join(lane.name for lane in mig.lanes))
        yield from self.timed(mig, 4, "mapping", self.steps.mapping)
        if mig.mode == "active" and self.free_memory(mig.destination) < mig.partition.memory:
            raise Aborted(Failure(Entity.PLATFORM_FIRMWARE, "memory",
                                  f"destination {mig.destination} cannot hold the shell partition: "
                                  f"{fmt_bytes(max(0, self.free_memory(mig.destination)))} free, "
                                  f"{fmt_bytes(mig.partition.memory)} needed"))
        yield from self.timed(mig, 5, "prepare", self.steps.prepare)
        self.ledger.prepare(mig)
        if mig.mode == "active":
            yield from self.active_steps(mig)
        else:
            yield from self.timed(mig, 6, "transfer", self.steps.profiles)
        self.ledger.transfer_profiles(mig)
        yield from self.timed(mig, 9, "complete", self.steps.cleanup)
        self.ledger.complete(mig)
        self.admission.release(mig)
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
        mig.enter("transfer")
        mig.stream = VasiStream(env, mig.id, self.recorder)
        mig.precopy_done, mig.state_sent = env.event(), env.event()
        src.open(mig)
        mig.stream.set(State.ENABLED, src.scope)
        mover = Mover(env, mig, src, dst, self.recorder)
        mig.mover = env.process(mover.run())
        yield env.all_of([env.timeout(self.steps.profiles), mig.precopy_done])
        self.phase(mig, 6, "transfer", start)
        # step 7: the HMC suspends; the OS sees SUSPENDING at its next VASI poll and suspends
        start = env.now
        mig.enter("suspend")
        mig.stream.set(State.SUSPENDING, "hmc", mig.stop_reason)
        poll = self.hyp.os_poll
        if poll > 0:
            since = env.now - mig.stream.times[State.ENABLED]
            yield env.timeout((poll - since % poll) % poll)
        yield from self.os_suspend(mig)
        mig.stream.set(State.SUSPENDED, f"{mig.partition.name}.os")
        env.process(dst.resume(mig))
        yield mig.stream.when[State.RESUMED]
        self.phase(mig, 7, "suspend", start)
        # step 8: running on the destination; pages still arriving until COMPLETED
        start = env.now
        mig.enter("resume")
        yield mig.stream.when[State.COMPLETED]
        self.phase(mig, 8, "resume", start)

    def os_suspend(self, mig: Migration):
        """The OS suspends (H_JOIN, ibm,suspend-me). A refused attempt is retried after 1 ms,
        10 ms, 100 ms and 1 s; after the fifth the OS signals H_VASI_SIGNAL CANCEL with entity
        MIGRATING_PARTITION (Linux pseries/mobility.c, S5)."""
        actor = f"{mig.partition.name}.os"
        for attempt in range(1, min(mig.suspend_refusals, len(SUSPEND_RETRIES) + 1) + 1):
            self.recorder.event(self.env.now, mig.id, actor, "suspend_refused", f"attempt {attempt}")
            if attempt > len(SUSPEND_RETRIES):
                self.recorder.event(self.env.now, mig.id, actor, "CANCEL", "H_VASI_SIGNAL")
                raise Aborted(Failure(Entity.MIGRATING_PARTITION, "suspend",
                                      f"the OS refused to suspend {attempt} times"))
            yield self.env.timeout(SUSPEND_RETRIES[attempt - 1])
        yield self.env.timeout(self.hyp.suspend)

    # -- stop, abort, recover --------------------------------------------------------------------
    def stop(self, mig: Migration, fault) -> None:
        """`migrlpar -o s`: stop ``mig`` if it has not suspended yet (else it is refused)."""
        late = mig.stream is not None and mig.stream.state not in (State.ENABLED, State.SUSPENDING)
        if mig.outcome != "pending" or late or mig.ending or not mig.process.is_alive:
            self.recorder.event(self.env.now, mig.id, "hmc", "stop_refused",
                                f"migrlpar -o s: migration is {mig.outcome if mig.outcome != 'pending' else 'past suspend'}")
            return
        self.recorder.event(self.env.now, mig.id, "hmc", "migrlpar", "-o s")
        mig.stop = fault
        mig.process.interrupt(Failure(Entity.ORCHESTRATOR, "stop", "stopped by the user (migrlpar -o s)"))

    def fail(self, mig: Migration, cause: Failure):
        """End ``mig`` for ``cause``: aborted (the partition keeps running on the source, the
        destination is cleaned up), stopped (until `migrlpar -o r`), or lost (after resume)."""
        mig.ending = True
        env = self.env
        if mig.mover is not None and mig.mover.is_alive and env.active_process is not mig.mover:
            mig.mover.interrupt(cause)
        mig.abort_entity = cause.entity.name
        state = mig.stream.state if mig.stream is not None else None
        if state is not None and state is not State.ABORTED:
            mig.stream.set(State.ABORTED, "hmc" if cause.entity is Entity.ORCHESTRATOR else
                           self.hypervisors[mig.source].scope, str(cause))
        if state is State.RESUMED:
            missing = mig.pages.dirty if mig.pages is not None else 0
            mig.outcome = "lost"
            mig.reason = (f"{cause}; the partition was running on {mig.destination} and "
                          f"{missing} pages were still on {mig.source}")
            mig.end = env.now
            self.recorder.event(env.now, mig.id, "hmc", "partition_lost", mig.reason)
            return
        self._check_intact(mig)
        mig.reason = str(cause)
        if mig.stop is not None:
            if not mig.stop.recover:
                mig.outcome, mig.end = "stopped", env.now
                mig.reason += "; not recovered (migrlpar -o r not run)"
                return
            yield env.timeout(mig.stop.recover_after)
            self.recorder.event(env.now, mig.id, "hmc", "migrlpar", "-o r")
        self.ledger.abort(mig)
        mig.outcome, mig.end = "aborted", env.now
        self.recorder.event(env.now, mig.id, "hmc", "aborted", mig.reason)

    def _check_intact(self, mig: Migration) -> None:
        """Audit: the source copy is authoritative until resume; the mover only read it."""
        pages = mig.pages
        if pages is not None and pages.audit:
            if pages.n_to_send != int(pages.to_send.sum()) or pages.n_log != int(pages.log.sum()):
                raise AssertionError(f"{mig.id}: page counters disagree with the bitmaps")


#: Waits between refused suspend attempts (Linux pseries/mobility.c, S5).
SUSPEND_RETRIES = (0.001, 0.010, 0.100, 1.0)


class NullLedger:
    """Keeps no inventory: for worlds built without one."""

    def shutdown(self, mig): pass
    def prepare(self, mig): pass
    def transfer_profiles(self, mig): pass
    def complete(self, mig): pass
    def activate(self, mig): pass
    def abort(self, mig): pass
