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
"""

from __future__ import annotations

import simpy

from lpmsim.actors.hypervisor import Hypervisor
from lpmsim.actors.migration import Migration
from lpmsim.actors.records import PassRecord, Recorder
from lpmsim.actors.vasi import State
from lpmsim.inventory import Vios
from lpmsim.policy import Progress


class Msp:
    def __init__(self, env: simpy.Environment, vios: Vios, network, recorder: Recorder):
        self.env = env
        self.vios = vios
        self.network = network
        self.recorder = recorder
        self.scope = f"{vios.system}.{vios.name}.msp"
        #: cfg_msp_lpm_ops: concurrent LPM operations this MSP runs (vioslpm0, S9).
        self.slots = simpy.Resource(env, capacity=vios.cfg_msp_lpm_ops)


class Mover:
    """The data path of one migration: source hypervisor -> source MSP -> network -> destination
    MSP -> destination hypervisor."""

    def __init__(self, env, mig: Migration, src: Hypervisor, dst: Hypervisor, src_msp: Msp,
                 dst_msp: Msp, recorder: Recorder):
        self.env, self.mig, self.src, self.dst = env, mig, src, dst
        self.network = src_msp.network
        self.recorder = recorder
        self.scope = src_msp.scope
        self.cap = min(src_msp.vios.msp_throughput, dst_msp.vios.msp_throughput)
        self.chunk = src.chunk_pages(mig)
        self._window = (env.now, 0.0)   # start, bytes of the bandwidth measurement window
        self.bandwidth: float | None = None

    # -- the three stages ------------------------------------------------------------------
    def run(self):
        """Process: move the partition's memory; ends when VASI is COMPLETED."""
        yield from self.precopy()
        yield self.mig.stream.when[State.SUSPENDED]
        yield from self.suspended_copy()
        yield self.mig.stream.when[State.RESUMED]
        yield from self.postcopy()
        self.mig.stream.set(State.COMPLETED, f"{self.dst.system}.hypervisor")

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
        yield self.env.timeout(self.network.path_latency(mig.path))  # the last byte lands
        self._record_pass(pages.passes + 1, "suspended", begin, sent, wire)
        mig.state_sent.succeed()

    def postcopy(self):
        mig, pages = self.mig, self.mig.pages
        begin, sent, wire, demanded = self.env.now, 0, 0.0, 0
        pages.gather()
        rtt = self.network.rtt(mig.path)
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
        """Stream ``payload`` bytes (compressed on POWER9+ NX if configured); returns wire bytes."""
        wire = payload / self.mig.spec.compression
        if wire <= 0:
            return 0.0
        limit = self.cap if cap is None else min(self.cap, cap)
        flow = self.network.transfer(self.mig.path, wire, cap=limit, owner=self.mig.id)
        yield flow.done
        self.mig.bytes[stage] += wire
        self._measure(wire)
        return wire

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
        return self.bandwidth or min(self.cap, *(self.network.capacity(n) for n in self.mig.path))

    def progress(self, started: float, pass_done: bool) -> Progress:
        pages = self.mig.pages
        return Progress(elapsed=self.env.now - started, passes=pages.passes, pass_done=pass_done,
                        dirty_pages=pages.dirty, sent_pages=pages.first_pass_pages,
                        page_wire_bytes=self.mig.page_wire_bytes, bandwidth=self.bandwidth)

    def _record_pass(self, no: int, stage: str, begin: float, sent: int, wire: float,
                     demanded: int = 0) -> None:
        self.recorder.passes.append(PassRecord(self.mig.id, no, stage, begin, self.env.now, sent,
                                               wire, self.mig.pages.dirty, demanded))


def msp_path(src: Vios, dst: Vios) -> tuple[str, ...]:
    """The links a stream from ``src`` to ``dst`` crosses: the source VIOS's links outwards,
    then the destination's inwards; a link both name (a shared switch) is crossed once."""
    path = list(src.links)
    path += [name for name in reversed(dst.links) if name not in path]
    return tuple(path)


__all__ = ["Msp", "Mover", "msp_path"]
