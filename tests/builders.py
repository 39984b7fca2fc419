"""Test builders: a lone active migration over one link, as a scenario dict."""

from __future__ import annotations

import copy


NO_OVERHEADS = {
    "hmc": {"requirements": 0, "shutdown": 0, "validate": 0, "mapping": 0, "prepare": 0,
            "profiles": 0, "cleanup": 0, "activate": 0, "post": 0},
    "hypervisor": {"os_poll": 0, "suspend": 0, "state_bytes": 0, "resume": 0,
                   "state_per_processor": 0, "hpt_ratio": 0},
}


#: QEMU's platform costs (setup, syncs, device state) set to zero, for closed forms.
QEMU_NO_OVERHEADS = {"setup_fixed": 0, "setup_per_page": 0, "sync_fixed": 0, "sync_per_page": 0,
                     "device_state": 0}


def without_overheads(policy):
    """``policy`` with QEMU's platform costs zeroed unless it sets them itself."""
    table = {"preset": policy} if isinstance(policy, str) else dict(policy)
    if table.get("preset") != "qemu":
        return policy
    return {**QEMU_NO_OVERHEADS, **table}


def lone(*, memory="1 GiB", touched="100%", bandwidth="1 GB/s", workload=None, policy="powervm",
         page_size="4 KiB", overheads=False, latency="0 s", msp="1 TB/s", efficiency=1.0,
         chunk="auto", seed=0, **extra) -> dict:
    """A raw scenario: one partition migrating A -> B over a single link of ``bandwidth``."""
    raw = {
        "name": "lone", "seed": seed,
        "systems": [{"name": "A", "memory": "2 TiB"}, {"name": "B", "memory": "2 TiB"}],
        "links": [{"name": "net", "bandwidth": bandwidth, "latency": latency,
                   "efficiency": efficiency}],
        "vios": [{"name": "va", "system": "A", "links": ["net"], "msp_throughput": msp},
                 {"name": "vb", "system": "B", "links": ["net"], "msp_throughput": msp}],
        "partitions": [{"name": "p", "system": "A", "memory": memory, "touched": touched,
                        "page_size": page_size, "workload": workload or {"kind": "idle"}}],
        "migrations": [{"partition": "p", "destination": "B", "policy": policy}],
    }
    if not overheads:
        raw.update(copy.deepcopy(NO_OVERHEADS))
        raw["migrations"][0]["policy"] = without_overheads(policy)
    raw.setdefault("hypervisor", {})["chunk"] = chunk
    raw.update(extra)
    return raw
