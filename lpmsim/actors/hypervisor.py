"""The POWER Hypervisor (PHYP) of one managed system.

On the source it tracks the mobile partition's dirty pages (the partition keeps writing while
pre-copy runs) and serves demand-paging requests after resume; on the destination it installs
what the MSP hands it and resumes the partition (seed step 8) before every dirty page has
arrived when the policy says so (SG24-7460 via Veritas SFHA 6.0: "resumes the partition on the
destination system before all the dirty pages have been migrated").
"""

from __future__ import annotations

import numpy as np
import simpy

from lpmsim.actors.migration import Migration
from lpmsim.actors.records import Recorder
from lpmsim.actors.vasi import State
from lpmsim.memory import PageState, writers_for
from lpmsim.rng import stream
from lpmsim.scenario import Hypervisor as HypervisorParams


class Hypervisor:
    def __init__(self, env: simpy.Environment, system: str, params: HypervisorParams,
                 recorder: Recorder, seed: int, audit: bool = False):
        self.env = env
        self.system = system
        self.params = params
        self.recorder = recorder
        self.seed = seed
        self.audit = audit
        self.scope = f"{system}.hypervisor"

    # -- source side -------------------------------------------------------------------------
    def open(self, mig: Migration) -> None:
        """Enter migration mode: build the page state; pass 1 will send every touched page."""
        p = mig.partition
        mig.pages = PageState(p.pages, p.sent_pages, audit=self.audit,
                              log_mode=mig.spec.policy.dirty_log)
        mig.writes, mig.reads = writers_for(p, stream(self.seed, "writes", mig.id),
                                            stream(self.seed, "reads", mig.id))
        mig.last_write = self.env.now

    def run_workload(self, mig: Migration) -> int:
        """Apply the partition's writes since the last call (it is running on the source)."""
        dt = self.env.now - mig.last_write
        mig.last_write = self.env.now
        return sum(mig.pages.write(w) for w in mig.writes.pages(dt))

    def demand(self, mig: Migration, touched: list) -> int:
        """Demand-paging requests from the destination: send the touched pages not yet there."""
        return sum(mig.pages.fetch(np.arange(w.start, w.stop) if isinstance(w, slice) else w)
                   for w in touched)

    def chunk_pages(self, mig: Migration) -> int:
        chunk = self.params.chunk
        if chunk == "auto":
            chunk = max(16 * 2**20, mig.partition.sent_pages * mig.partition.page_size // 2048)
        return max(1, chunk // mig.partition.page_size)

    # -- destination side --------------------------------------------------------------------
    def resume(self, mig: Migration):
        """Process: once the partition state has arrived, resume the partition here."""
        yield mig.state_sent
        yield self.env.timeout(self.params.resume)
        if mig.stream.state is State.ABORTED:
            return  # aborted while suspended: the partition resumes on the source instead
        mig.last_write = self.env.now  # from now on its accesses happen on the destination
        mig.stream.set(State.RESUMED, self.scope)

    def touches(self, mig: Migration) -> list:
        """The pages the resumed partition touched (reads and writes) since the last call."""
        dt = self.env.now - mig.last_write
        mig.last_write = self.env.now
        return mig.writes.pages(dt) + mig.reads.pages(dt)
