"""Policy options as data: which convergence policy a migration uses, and its parameters.

In a scenario a migration says ``policy = "qemu"`` or gives a table
``policy = { preset = "qemu", downtime_limit = "100 ms" }``. Every default is here and is named
after its source; :mod:`lpmsim.policy` turns these options into behaviour.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, BeforeValidator, Field

from lpmsim.inventory.types import STRICT, Bandwidth, Duration, Fraction, Size


class PowerVMOptions(BaseModel):
    """PowerVM pre-copy (LPM Redbook SG24-7460, quoted in the Veritas SFHA 6.0 AIX guide).

    The hypervisor re-sends dirty pages "until the MSP detects that a sufficient number of pages
    are clean or the timeout is reached", suspends, and resumes on the destination **before all
    dirty pages have arrived**; the rest follow in the background and on demand. IBM does not
    publish the threshold, the pass limit or the timeout: the defaults below are assumptions.
    """

    model_config = STRICT
    preset: Literal["powervm"] = "powervm"
    #: Stop pre-copy when at least this share of the sent pages is clean (assumption).
    clean_fraction: Fraction = 0.99
    #: Stop after this many passes (assumption).
    max_passes: int = Field(default=10, ge=1)
    #: Stop pre-copy after this long (assumption). Not a migration abort: PHYP and the HMC never
    #: time a migration out (linuxppc-dev 2019, S8).
    precopy_timeout: Duration = 3600.0
    #: While suspended, send only the partition state ("state") or every dirty page ("all").
    suspended_send: Literal["state", "all"] = "state"
    #: Bytes of header per page on the wire (unknown for PowerVM; 0).
    page_header: Size = 0
    #: How writes during a pass are logged (see lpmsim.memory.pages): the classic dirty-page
    #: list ("sync": a page written during pass k goes again in pass k+1) is assumed.
    dirty_log: Literal["sync", "clear-on-send"] = "sync"


class QemuOptions(BaseModel):
    """QEMU/KVM pre-copy (migration/migration.c, migration/ram.c, migration/options.c,
    qapi/migration.json): switch over when the pending bytes fall below measured bandwidth x
    downtime-limit; the guest stays stopped until every page is sent; no pass limit."""

    model_config = STRICT
    preset: Literal["qemu"] = "qemu"
    #: DEFAULT_MIGRATE_SET_DOWNTIME 300 (ms).
    downtime_limit: Duration = 0.300
    #: MAX_THROTTLE (128 << 20) bytes/s since QEMU 5.2; lifted at switchover. 0 = unlimited.
    max_bandwidth: Bandwidth = float(128 << 20)
    #: BUFFER_DELAY 100 ms: bandwidth is measured over windows at least this long.
    bandwidth_window: Duration = 0.100
    #: A normal page costs page size + 8 bytes on the wire (save_normal_page, ram.c).
    page_header: Size = 8
    #: A zero (never touched) page costs 8 + 1 bytes (save_zero_page_to_file, ram.c); QEMU's first
    #: pass walks all guest RAM, so untouched pages are sent as zero pages.
    zero_page_bytes: Size = 9
    #: 0 = no pass limit (QEMU has none).
    max_passes: int = Field(default=0, ge=0)
    #: KVM_CLEAR_DIRTY_LOG (QEMU >= 4.0, Linux >= 5.0; P. Xu, qemu-devel May 2019) clears the
    #: dirty log of a chunk just before it is sent: "clear-on-send". "sync" = older QEMU.
    dirty_log: Literal["sync", "clear-on-send"] = "clear-on-send"


class XenOptions(BaseModel):
    """Xen migration v2 (tools/libs/guest/xg_sr_save.c, simple_precopy_policy): stop-and-copy
    when fewer than SPP_TARGET_DIRTY_COUNT (50) pages are dirty or after SPP_MAX_ITERATIONS (5)."""

    model_config = STRICT
    preset: Literal["xen"] = "xen"
    target_dirty_count: int = Field(default=50, ge=0)
    max_iterations: int = Field(default=5, ge=1)
    page_header: Size = 0
    dirty_log: Literal["sync", "clear-on-send"] = "sync"


def _preset_name(value):
    if isinstance(value, str):
        return {"preset": value}
    return value


PolicyOptions = Annotated[
    Union[PowerVMOptions, QemuOptions, XenOptions],
    Field(discriminator="preset"),
    BeforeValidator(_preset_name),
]
PRESETS = ("powervm", "qemu", "xen")
