"""The Hardware Management Console: it orchestrates every step of the seed table.

One ``migrate`` process per `migrlpar -o m`. Active (seed column 1): requirements (1), validate
(3), adapter mappings (4), prepare (5), state transfer (6: profiles by the HMC, memory by the
MSPs), suspend (7), resume on the destination (8: post-copy until VASI COMPLETED), complete and
reclaim the source (9), postrequisite tasks (11). Inactive (column 2): requirements (1), shut
down (2), 3, 4, 5, profiles (6), 9, activate on the destination (10), 11; no MSPs are used.

Concurrency limits are SimPy Resources held by the HMC's queue (:mod:`lpmsim.actors.admission`):
per managed system (MaximumActiveMigrations and MaximumInactiveMigrations) and per MSP
(cfg_msp_lpm_ops); a migration takes all its slots at once when it is admitted.

Failures flow one way, to this process: a fault or `migrlpar -o s` interrupts it with a
:class:`~lpmsim.actors.causes.Failure`, a step it runs raises ``Aborted``, and the mover, which it
waits on, fails its own process with :class:`~lpmsim.actors.lanes.MoverFailed`. Only the HMC
interrupts the mover, and only the HMC writes the outcome (:class:`~lpmsim.actors.migration.Verdict`). Before resume the migration aborts: VASI ABORTED, the partition
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
from lpmsim.actors.lanes import MoverFailed
from lpmsim.actors.migration import Migration
from lpmsim.actors.mover import Mover
from lpmsim.actors.msp import Msp
from lpmsim.actors.records import PhaseRecord, Recorder
from lpmsim.actors.vasi import Entity, State, VasiStream
from lpmsim.scenario import Scenario
from lpmsim.kinds import FailureKind, Mode, Outcome
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
        #: The inventory as it changes (steps 5, 6, 9, 10 and aborts); see lpmsim.world.ledger.
        self.ledger = ledger or NullLedger()
        if network is None:
            network = next(iter(msps.values())).network if msps else None
        #: The queue and the limits: per system and per MSP (lpmsim.actors.admission).
        self.admission = Admission(env, scenario, msps, network)
        self.active, self.inactive = self.admission.active, self.admission.inactive
        #: Partitions with a migration past validation (one migrlpar at a time per partition).
        self.moving: set[str] = set()
        #: The movers started, for the end-of-run accounting of held steady states.
        self.movers: list[Mover] = []
        #: Memory each system lost to faults since the scenario began (memory_loss).
        self.lost_memory: dict[str, int] = {s.name: 0 for s in scenario.systems}

    # -- helpers -------------------------------------------------------------------------------
    def wait(self, mig: Migration, event: simpy.Event):
        """Wait for ``event`` while watching the mover: its failure becomes an abort here."""
        try:
            if mig.mover is None:
                yield event
            else:
                yield event | mig.mover
        except MoverFailed as exc:
            raise Aborted(exc.args[0]) from None

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
            if not isinstance(cause, Failure):  # only the HMC interrupts, always with a Failure
                raise
            yield from self.fail(mig, cause)
        finally:
            self.admission.release(mig)
            if mig.verdict.outcome is not Outcome.VALIDATION_FAILED:
                self.moving.discard(mig.plan.partition.name)

    def run(self, mig: Migration):
        plan, verdict = mig.plan, mig.verdict
        yield self.env.timeout(plan.spec.start)
        self.recorder.event(self.env.now, mig.id, "hmc", "migrlpar", f"-o m -t {plan.destination}")
        yield from self.timed(mig, 1, "requirements", self.steps.requirements)
        if plan.mode is Mode.INACTIVE and plan.partition.state == "running":
            yield from self.timed(mig, 2, "shutdown", self.steps.shutdown)
            self.ledger.shutdown(mig)
        start = self.env.now
        mig.enter("validate")
        yield self.env.timeout(self.steps.validate_)
        problems = self.validate(mig) + self.admission.impossible(mig)
        if plan.partition.name in self.moving:
            problems.append(f"MIGRATION_IN_PROGRESS {plan.partition.name}: "
                            f"{plan.partition.name} is already being migrated")
        self.phase(mig, 3, "validate", start)
        if problems:
            verdict.outcome, verdict.reason = Outcome.VALIDATION_FAILED, "; ".join(problems)
            verdict.end = self.env.now
            self.recorder.event(self.env.now, mig.id, "hmc", "validation_failed", verdict.reason)
            return
        self.moving.add(plan.partition.name)
        verdict.queued = self.env.now
        mig.lanes = yield self.admission.request(mig)
        verdict.admitted = self.env.now
        self.recorder.event(self.env.now, mig.id, "hmc", "admitted",
                            ",".join(lane.name for lane in mig.lanes))
        yield from self.timed(mig, 4, "mapping", self.steps.mapping)
        free = self.free_memory(plan.destination)
        if plan.mode is Mode.ACTIVE and free < plan.partition.memory:
            raise Aborted(Failure(Entity.PLATFORM_FIRMWARE, FailureKind.MEMORY,
                                  f"destination {plan.destination} cannot hold the shell partition: "
                                  f"{fmt_bytes(max(0, free))} free, "
                                  f"{fmt_bytes(plan.partition.memory)} needed"))
        yield from self.timed(mig, 5, "prepare", self.steps.prepare)
        self.ledger.prepare(mig)
        if plan.mode is Mode.ACTIVE:
            yield from self.active_steps(mig)
        else:
            yield from self.timed(mig, 6, "transfer", self.steps.profiles)
        self.ledger.transfer_profiles(mig)
        yield from self.timed(mig, 9, "complete", self.steps.cleanup)
        self.ledger.complete(mig)
        self.admission.release(mig)
        verdict.outcome = Outcome.COMPLETED
        verdict.end = self.env.now
        if plan.mode is Mode.INACTIVE:
            yield from self.timed(mig, 10, "activate", self.steps.activate)
            self.ledger.activate(mig)
        yield from self.timed(mig, 11, "post", self.steps.post)

    def active_steps(self, mig: Migration):
        env, plan = self.env, mig.plan
        src, dst = self.hypervisors[plan.source], self.hypervisors[plan.destination]
        # step 6: the HMC moves the profiles while the MSPs move memory
        start = env.now
        mig.enter("transfer")
        stream = mig.stream = VasiStream(env, mig.id, self.recorder)
        mig.precopy_done, mig.state_sent = env.event(), env.event()
        src.open(mig)
        stream.set(State.ENABLED, src.scope)
        mover = Mover(env, mig, src, dst, self.recorder, self.scenario.mover.tcp_window,
                      audit=src.audit)
        self.movers.append(mover)
        mig.mover = env.process(mover.run())
        mig.mover.defused = True  # its failure is read by wait() below
        yield from self.wait(mig, env.all_of([env.timeout(self.steps.profiles), mig.precopy_done]))
        self.phase(mig, 6, "transfer", start)
        # step 7: the HMC suspends; the OS sees SUSPENDING at its next VASI poll and suspends
        # (PowerVM); QEMU and Xen stop the vCPUs themselves
        start = env.now
        mig.enter("suspend")
        stream.set(State.SUSPENDING, "hmc", mig.tally.stop_reason)
        poll = self.hyp.os_poll if plan.policy.os_cooperates else 0.0
        if poll > 0:
            since = env.now - stream.times[State.ENABLED]
            yield from self.wait(mig, env.timeout((poll - since % poll) % poll))
        yield from self.os_suspend(mig)
        stream.set(State.SUSPENDED, f"{plan.partition.name}.os")
        env.process(dst.resume(mig))
        yield from self.wait(mig, stream.when[State.RESUMED])
        self.phase(mig, 7, "suspend", start)
        # step 8: running on the destination; pages still arriving until COMPLETED
        start = env.now
        mig.enter("resume")
        yield from self.wait(mig, stream.when[State.COMPLETED])
        self.phase(mig, 8, "resume", start)

    def os_suspend(self, mig: Migration):
        """The OS suspends (H_JOIN, ibm,suspend-me). A refused attempt is retried after 1 ms,
        10 ms, 100 ms and 1 s; after the fifth the OS signals H_VASI_SIGNAL CANCEL with entity
        MIGRATING_PARTITION (Linux pseries/mobility.c, S5)."""
        actor = f"{mig.plan.partition.name}.os"
        for attempt in range(1, min(mig.suspend_refusals, len(SUSPEND_RETRIES) + 1) + 1):
            self.recorder.event(self.env.now, mig.id, actor, "suspend_refused", f"attempt {attempt}")
            if attempt > len(SUSPEND_RETRIES):
                self.recorder.event(self.env.now, mig.id, actor, "CANCEL", "H_VASI_SIGNAL")
                raise Aborted(Failure(Entity.MIGRATING_PARTITION, FailureKind.SUSPEND,
                                      f"the OS refused to suspend {attempt} times"))
            yield from self.wait(mig, self.env.timeout(SUSPEND_RETRIES[attempt - 1]))
        yield from self.wait(mig, self.env.timeout(self.hyp.suspend))

    # -- stop, abort, recover --------------------------------------------------------------------
    def stop(self, mig: Migration, fault) -> None:
        """`migrlpar -o s`: stop ``mig`` if it has not suspended yet (else it is refused)."""
        verdict = mig.verdict
        late = mig.stream is not None and mig.stream.state not in (State.ENABLED, State.SUSPENDING)
        early = self.env.now < mig.plan.spec.start
        if verdict.outcome is not Outcome.PENDING or late or early or verdict.abort_entity:
            state = ("not started yet" if early else verdict.outcome
                     if verdict.outcome is not Outcome.PENDING else "past suspend")
            self.recorder.event(self.env.now, mig.id, "hmc", "stop_refused",
                                f"migrlpar -o s: migration is {state}")
            return
        self.recorder.event(self.env.now, mig.id, "hmc", "migrlpar", "-o s")
        mig.stop = fault
        assert mig.process is not None
        mig.process.interrupt(Failure(Entity.ORCHESTRATOR, FailureKind.STOP,
                                      "stopped by the user (migrlpar -o s)"))

    def fail(self, mig: Migration, cause: Failure):
        """End ``mig`` for ``cause``: aborted (the partition keeps running on the source, the
        destination is cleaned up), stopped (until `migrlpar -o r`), or lost (after resume)."""
        env, plan, verdict = self.env, mig.plan, mig.verdict
        if mig.mover is not None and not mig.mover.triggered:
            mig.mover.interrupt(cause)
        verdict.abort_entity = cause.entity.name
        state = mig.stream.state if mig.stream is not None else None
        if mig.stream is not None and state is not State.ABORTED:
            mig.stream.set(State.ABORTED, "hmc" if cause.entity is Entity.ORCHESTRATOR else
                           self.hypervisors[plan.source].scope, str(cause))
        if state is State.RESUMED:
            missing = mig.session.fluid.pending(normal_only=True) if mig.session else 0.0
            verdict.outcome = Outcome.LOST
            verdict.reason = (f"{cause}; the partition was running on {plan.destination} and "
                              f"{missing:.0f} pages were still on {plan.source}")
            verdict.end = env.now
            self.recorder.event(env.now, mig.id, "hmc", "partition_lost", verdict.reason)
            return
        verdict.reason = str(cause)
        if mig.stop is not None:
            if not mig.stop.recover:
                verdict.outcome, verdict.end = Outcome.STOPPED, env.now
                verdict.reason += "; not recovered (migrlpar -o r not run)"
                return
            yield env.timeout(mig.stop.recover_after)
            self.recorder.event(env.now, mig.id, "hmc", "migrlpar", "-o r")
        self.ledger.abort(mig)
        verdict.outcome, verdict.end = Outcome.ABORTED, env.now
        self.recorder.event(env.now, mig.id, "hmc", "aborted", verdict.reason)


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
