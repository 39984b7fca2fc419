"""The POWER Hypervisor (PHYP) of one managed system.

On the source it keeps the mobile partition's page session: the dirty bitmap and log that the
partition's writes fill while pre-copy runs (:class:`~lpmsim.memory.PageFluid`), and it serves
demand-paging requests after resume. On the destination it installs what the MSP hands it and
resumes the partition (seed step 8) before every dirty page has arrived when the policy says so
(SG24-7460 via Veritas SFHA 6.0: "resumes the partition on the destination system before all
the dirty pages have been migrated").
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from lpmsim.actors.migration import Migration
from lpmsim.actors.records import Recorder
from lpmsim.actors.vasi import State
from lpmsim.memory import PageFluid, Region, regions_of
from lpmsim.scenario import Hypervisor as HypervisorParams


@dataclass
class PageSession:
    """The source hypervisor's view of one migrating partition's memory."""

    regions: list[Region]
    fluid: PageFluid
    opened: float

    @property
    def touched_pages(self) -> float:
        return sum(r.pages for r in self.regions if r.normal)


class Hypervisor:
    def __init__(self, env: simpy.Environment, system: str, params: HypervisorParams,
                 recorder: Recorder, seed: int, audit: bool = False):
        self.env = env
        self.system = system
        self.params = params
        self.recorder = recorder
        self.seed = seed  # the engine draws no random numbers today; kept for workload models
        self.audit = audit
        self.scope = f"{system}.hypervisor"

    # -- source side -------------------------------------------------------------------------
    def open(self, mig: Migration) -> PageSession:
        """Enter migration mode: the page session of ``mig``'s partition (nothing dirty yet; the
        mover fills the bitmap when pass 1 starts)."""
        plan = mig.plan
        policy = plan.policy
        regions = regions_of(plan.partition, page_wire=plan.page_wire_bytes / plan.compression,
                             zero_cost=policy.zero_page_bytes)
        fluid = PageFluid(regions, self.env.now,
                          clear_on_send=plan.spec.policy.dirty_log == "clear-on-send")
        mig.session = PageSession(regions, fluid, self.env.now)
        return mig.session

    # -- destination side --------------------------------------------------------------------
    def resume(self, mig: Migration):
        """Process: once the partition state has arrived, resume the partition here."""
        assert mig.state_sent is not None and mig.stream is not None
        yield mig.state_sent
        yield self.env.timeout(self.params.resume)
        if mig.stream.state is State.ABORTED:
            return  # aborted while suspended: the partition resumes on the source instead
        mig.stream.set(State.RESUMED, self.scope)
