"""A mover service partition (MSP): the VIOS service that moves a partition's memory.

The source MSP pulls pages from the source hypervisor through VASI in chunks (many pages per
event) and streams them over the network to the destination MSP, which installs them in the
destination hypervisor. "The MSPs send and receive small amounts of data at a time ... these
steps continuously overlap and are repeated until all of the data is transferred" (HMC V7R340
help, MSP). One mover process runs per migration (seed steps 6, 7 and 8):

1. pre-copy passes until the policy stops them (then the HMC suspends the partition);
2. while suspended: the partition state, and all dirty pages if the policy says so;
3. after resume (post-copy): the remaining pages in the background, with the pages the running
   partition touches first (demand paging), until the last one lands: VASI COMPLETED.

Each chunk is a network flow over the migration's lanes (MSP pairs chosen by the HMC queue,
:mod:`lpmsim.actors.admission`): the path is ``msp:<source vios>`` (the MSP's CPU and threads,
shared by its migrations), the links, ``msp:<destination vios>``; the flow's cap is the lane's
concurrency-level share and TCP window limit. With two lanes (redundant MSPs, S26) each chunk is
split over both. A flow that fails (link down, MSP failure) loses its part of the chunk: it goes
again over a surviving lane after a VASI FAILOVER, or, with none left, the mover interrupts the
HMC's process with a :class:`~lpmsim.actors.causes.Failure` (S5; facts §7).
"""

from __future__ import annotations

import simpy

from lpmsim.actors.admission import msp_slots
from lpmsim.actors.causes import Failure, LinkFault
from lpmsim.actors.hypervisor import Hypervisor
from lpmsim.actors.migration import Migration
from lpmsim.actors.records import PassRecord, Recorder
from lpmsim.actors.vasi import Entity, State
from lpmsim.inventory import Vios
from lpmsim.network import LinkDown
from lpmsim.policy import Progress


class Msp:
    """The mover service of one VIOS. Its CPU and mover threads are a pseudo-link
    ``msp:<vios>`` of capacity ``msp_throughput`` on every path through it, so concurrent
    migrations share it max-min fairly, and an MSP failure is that link going down."""

    def __init__(self, env: simpy.Environment, vios: Vios, network, recorder: Recorder,
                 levels=None):
        self.env = env
        self.vios = vios
        self.network = network
        self.recorder = recorder
        self.scope = f"{vios.system}.{vios.name}.msp"
        self.cpu_link = cpu_link(vios)
        self.up = True
        #: cfg_msp_lpm_ops (vioslpm0, S9), bounded by concurrency_lvl (S10; see admission).
        ops = vios.cfg_msp_lpm_ops if levels is None else msp_slots(vios, levels)
        self.slots = simpy.Resource(env, capacity=ops)


class MoverFailed(Exception):
    """Every lane of a migration is broken; carries the :class:`Failure` to report."""


class Mover:
    """The data path of one migration: source hypervisor -> source MSP -> network -> destination
    MSP -> destination hypervisor, over one MSP pair (a lane) or two (redundant MSPs: each chunk
    is split over both, so up to 2x faster, S19; when one fails the VASI stream signals FAILOVER
    and the lost part of the chunk goes again over the survivor)."""

    def __init__(self, env, mig: Migration, src: Hypervisor, dst: Hypervisor, recorder: Recorder):
        self.env, self.mig, self.src, self.dst = env, mig, src, dst
        self.network = mig.lanes[0].src.network
        self.recorder = recorder
        self.scope = mig.lanes[0].src.scope
        self.chunk = src.chunk_pages(mig)
        self._window = (env.now, 0.0)   # start, bytes of the bandwidth measurement window
        self.bandwidth: float | None = None
        self._flows: list = []

    # -- the three stages ------------------------------------------------------------------
    def run(self):
        """Process: move the partition's memory; ends when VASI is COMPLETED, when the HMC
        interrupts it (abort), or when every lane has failed (it then interrupts the HMC)."""
        try:
            yield from self.precopy()
            yield self.mig.stream.when[State.SUSPENDED]
            yield from self.suspended_copy()
            yield self.mig.stream.when[State.RESUMED]
            yield from self.postcopy()
            self.mig.stream.set(State.COMPLETED, f"{self.dst.system}.hypervisor")
        except simpy.Interrupt:
            pass  # the HMC aborts the migration
        except MoverFailed as exc:
            if self.mig.process.is_alive and not self.mig.ending:
                self.mig.process.interrupt(exc.args[0])
        finally:
            for flow in self._flows:
                flow.cancel()

    def precopy(self):
        mig, pages, policy = self.mig, self.mig.pages, self.mig.policy
        started = self.env.now
        reason = None
        zero_bytes = (mig.partition.pages - pages.first_pass_pages) * policy.zero_page_bytes
        while reason is None:
            begin, sent, wire = self.env.now, 0, 0.0
            n_pass = pages.start_pass()
            mig.passes = pages.passes
            if pages.passes == 1 and zero_bytes:  # QEMU: never-touched pages go as zero pages
                wire += yield from self.send(zero_bytes, policy.precopy_cap(), "precopy")
            elif n_pass == 0 and pages.passes > 1:
                reason = "converged"  # nothing dirty: an empty pass would take no time
            while pages.pass_remaining and reason is None:
                k = pages.take(self.chunk)
                wire += yield from self.send(k * mig.page_wire_bytes, policy.precopy_cap(), "precopy")
                sent += k
                self.src.run_workload(mig)  # the writes made while the chunk was on the wire
                reason = policy.stop(self.progress(started, pass_done=False))
            self.src.run_workload(mig)
            self._record_pass(pages.passes, "precopy", begin, sent, wire)
            if reason is None:
                reason = policy.stop(self.progress(started, pass_done=True))
        mig.stop_reason = reason
        self.recorder.event(self.env.now, mig.id, self.scope, "precopy_stop", reason)
        mig.precopy_done.succeed(reason)

    def suspended_copy(self):
        mig, pages = self.mig, self.mig.pages
        self.src.run_workload(mig)  # the last writes before the suspend
        begin, sent, wire = self.env.now, 0, 0.0
        if mig.policy.suspended_send == "all":
            pages.gather()
            while pages.pass_remaining:
                k = pages.take(self.chunk)
                wire += yield from self.send(k * mig.page_wire_bytes, None, "suspended")
                sent += k
        wire += yield from self.send(self.src.params.state_bytes, None, "suspended")
        yield self.env.timeout(self.network.path_latency(mig.lanes[0].path))  # last byte lands
        self._record_pass(pages.passes + 1, "suspended", begin, sent, wire)
        mig.state_sent.succeed()

    def postcopy(self):
        mig, pages = self.mig, self.mig.pages
        begin, sent, wire, demanded = self.env.now, 0, 0.0, 0
        pages.gather()
        rtt = self.network.rtt(mig.lanes[0].path)
        while pages.pass_remaining:
            faults = self.src.demand(mig, self.dst.touches(mig))
            k = pages.take(self.chunk)
            payload = (faults + k) * mig.page_wire_bytes
            if faults:
                # each fault waits a round trip and its page; the background stream shares the link
                rate = self._rate()
                mig.fault_wait += faults * (rtt + mig.page_wire_bytes / rate)
                mig.demand_faults += faults
                mig.demand_bytes += faults * mig.page_wire_bytes
                self.recorder.event(self.env.now, mig.id, f"{self.dst.system}.hypervisor",
                                    "demand_paging", f"{faults} pages")
            wire += yield from self.send(payload, None, "postcopy")
            sent += faults + k
            demanded += faults
        if pages.audit:
            pages.verify()
        if wire or sent:
            self._record_pass(pages.passes + 2, "postcopy", begin, sent, wire, demanded)

    # -- helpers -----------------------------------------------------------------------------
    def send(self, payload: float, cap: float | None, stage: str):
        """Stream ``payload`` bytes (compressed on POWER9+ NX if configured) split over the
        lanes that are up; returns the wire bytes delivered. Raises MoverFailed when none is."""
        wire = payload / self.mig.spec.compression
        todo = wire
        while todo > 0:
            lanes = [lane for lane in self.mig.lanes if lane.up]
            share = todo / len(lanes)
            self._flows = []
            for lane in lanes:
                limit = lane.cap if cap is None else min(lane.cap, cap / len(lanes))
                flow = self.network.transfer(lane.path, share, cap=limit, owner=self.mig.id)
                flow.done.defused = True  # a failure is handled when its turn comes below
                self._flows.append(flow)
            todo = 0.0
            for lane, flow in zip(lanes, self._flows):
                try:
                    yield flow.done
                except LinkDown as down:
                    todo += flow.size
                    self.mig.resent_bytes += flow.sent
                    self._lane_failed(lane, down)
            self._flows = []
        self.mig.bytes[stage] += wire
        self._measure(wire)
        return wire

    def _lane_failed(self, lane, down: LinkDown) -> None:
        lane.up = False
        cause = down.cause
        if isinstance(cause, LinkFault) and cause.kind == "msp":
            entity = Entity.VSP_TARGET if cause.name == lane.dst.vios.name else Entity.VSP_SOURCE
            detail = f"mover service partition {cause.name} failed"
        else:
            entity, detail = Entity.VSP_SOURCE, f"MSP stream broken: link {down.link!r} is down"
        survivors = [other.name for other in self.mig.lanes if other.up]
        if not survivors:
            raise MoverFailed(Failure(entity, cause.kind if isinstance(cause, LinkFault) else "link",
                                      detail))
        self.mig.failovers += 1
        self.recorder.event(self.env.now, self.mig.id, f"{self.src.system}.hypervisor", "FAILOVER",
                            f"{detail}; pair {lane.name} -> {survivors[0]}")

    def _measure(self, wire: float) -> None:
        start, nbytes = self._window
        nbytes += wire
        elapsed = self.env.now - start
        if elapsed >= self.mig.policy.bandwidth_window and elapsed > 0:
            self.bandwidth = nbytes / elapsed
            self._window = (self.env.now, 0.0)
        else:
            self._window = (start, nbytes)

    def _rate(self) -> float:
        lane = next((lane for lane in self.mig.lanes if lane.up), self.mig.lanes[0])
        return self.bandwidth or min(lane.cap, *(self.network.capacity(n) for n in lane.path)) or 1.0

    def progress(self, started: float, pass_done: bool) -> Progress:
        pages = self.mig.pages
        return Progress(elapsed=self.env.now - started, passes=pages.passes, pass_done=pass_done,
                        dirty_pages=pages.dirty, sent_pages=pages.first_pass_pages,
                        page_wire_bytes=self.mig.page_wire_bytes, bandwidth=self.bandwidth)

    def _record_pass(self, no: int, stage: str, begin: float, sent: int, wire: float,
                     demanded: int = 0) -> None:
        self.recorder.passes.append(PassRecord(self.mig.id, no, stage, begin, self.env.now, sent,
                                               wire, self.mig.pages.dirty, demanded))


def cpu_link(vios: Vios) -> str:
    """The name of the pseudo-link that stands for ``vios``'s mover CPU and threads."""
    return f"msp:{vios.name}"


def msp_path(src: Vios, dst: Vios) -> tuple[str, ...]:
    """The links a stream from ``src`` to ``dst`` crosses: the source VIOS's links outwards,
    then the destination's inwards; a link both name (a shared switch) is crossed once."""
    path = list(src.links)
    path += [name for name in reversed(dst.links) if name not in path]
    return tuple(path)


__all__ = ["Msp", "Mover", "MoverFailed", "cpu_link", "msp_path"]
