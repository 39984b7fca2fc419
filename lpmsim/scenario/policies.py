"""Policy options as data: which convergence policy a migration uses, and its parameters.

In a scenario a migration says ``policy = "qemu"`` or gives a table
``policy = { preset = "qemu", downtime_limit = "100 ms" }``. Every default is here and is named
after its source; :mod:`lpmsim.policy` turns these options into behaviour.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, BeforeValidator, Field, field_validator, model_validator

from lpmsim.inventory.types import STRICT, Bandwidth, Duration, Fraction, Size
from lpmsim.units import UnitError, parse_duration


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
    """QEMU 7.2 pre-copy (migration/migration.c, migration/ram.c, qapi/migration.json): the
    migration thread sends in 100 ms rate-limit windows; at each it compares the pending bytes
    with measured bandwidth x downtime-limit, syncs the dirty bitmap only below that threshold,
    and stops the guest when pending is still below it after the sync; the last copy goes with
    the rate limit lifted. No pass limit. Later versions differ in details named in
    :mod:`lpmsim.policy.presets`.

    ``accel`` picks the platform: how the dirty log behaves and what a bitmap sync costs. Its
    defaults are in :data:`ACCEL_DEFAULTS`; any key given explicitly wins.
    """

    model_config = STRICT
    preset: Literal["qemu"] = "qemu"
    #: "kvm" (KVM_GET_DIRTY_LOG), "kvm-clear" (KVM_CLEAR_DIRTY_LOG: QEMU >= 4.0 on Linux >= 5.0),
    #: "tcg" (softmmu dirty tracking, no KVM).
    accel: Literal["kvm", "kvm-clear", "tcg"] = "kvm-clear"
    #: DEFAULT_MIGRATE_SET_DOWNTIME 300 (ms).
    downtime_limit: Duration = 0.300
    #: MAX_THROTTLE (128 << 20) bytes/s since QEMU 5.2; lifted at switchover. 0 = unlimited.
    max_bandwidth: Bandwidth = float(128 << 20)
    #: BUFFER_DELAY 100 ms: the rate-limit window and the bandwidth measurement period.
    bandwidth_window: Duration = 0.100
    #: A normal page costs page size + 8 bytes on the wire (save_normal_page, ram.c).
    page_header: Size = 8
    #: A zero page costs 8 + 1 bytes (save_zero_page_to_file, ram.c); QEMU scans all guest RAM,
    #: so never-touched pages are sent as zero pages, interleaved in address order.
    zero_page_bytes: Size = 9
    #: Stop after this many bitmap syncs beyond setup (0 = no limit; QEMU has none).
    max_passes: int = Field(default=0, ge=0)
    #: How writes are logged: "sync" (the log reaches the migration bitmap only at syncs: TCG,
    #: KVM_GET_DIRTY_LOG) or "clear-on-send" (KVM_CLEAR_DIRTY_LOG clears a chunk's log just
    #: before it is sent). Default: by ``accel``.
    dirty_log: Literal["sync", "clear-on-send"] | None = None
    #: Setup (ram_save_setup: bitmaps and the first sync): fixed seconds plus seconds per page of
    #: guest RAM. Default: by ``accel``.
    setup_fixed: Duration | None = None
    setup_per_page: Duration | None = None
    #: One later bitmap sync holds the big lock for fixed seconds plus seconds per dirty page
    #: it finds. Default: by ``accel``.
    sync_fixed: Duration | None = None
    sync_per_page: Duration | None = None
    #: The device state and the end of the stream inside the downtime (seconds, fixed).
    #: Default: by ``accel``.
    device_state: Duration | None = None
    #: Seconds of the migration thread per zero page it scans: save_zero_page reads the whole
    #: page (buffer_is_zero, ram.c), faulting in never-backed host memory on the way. "Detecting
    #: zero page is not a light work" (QEMU commit 5e5fdcff28); QEMU 9.0 moved it to the
    #: multifd threads by default (zero-page-detection=multifd, 70c25c92e6). The thread
    #: does it besides sending, so a window whose burst and scan outlast it is CPU-bound and
    #: the cap no longer binds. Default: by ``accel``.
    zero_page_time: Duration | None = None
    #: migrate-start-postcopy (capability postcopy-ram): "N passes" sends the command at the
    #: N-th dirty-bitmap sync (setup's is 1; libvirt's --postcopy-after-precopy is 2), a
    #: duration ("2 s") that long after migrate. The switch comes at the migration thread's
    #: next iteration (a window's end). None: pure pre-copy.
    postcopy: str | None = None
    #: max-postcopy-bandwidth; 0 = max-bandwidth (qapi/migration.json).
    max_postcopy_bandwidth: Bandwidth = 0.0

    @field_validator("postcopy")
    @classmethod
    def _postcopy(cls, value):
        if value is None:
            return value
        text = str(value).strip()
        head = text.split()[0] if text.split() else ""
        if text.endswith(("passes", "pass")) and head.isascii() and head.isdigit():
            if int(head) < 1:
                raise ValueError("postcopy: at least 1 pass (the setup's sync)")
            return text
        try:
            seconds = parse_duration(text)
        except UnitError as exc:
            raise ValueError(f"postcopy: {exc}; or 'N passes'") from None
        if not seconds >= 0:
            raise ValueError("postcopy: the delay must be >= 0")
        return text

    @model_validator(mode="after")
    def _accel_defaults(self):
        for key, value in ACCEL_DEFAULTS[self.accel].items():
            if getattr(self, key) is None:
                object.__setattr__(self, key, value)
        return self


#: Platform defaults of :class:`QemuOptions` by accelerator.
#:
#: - KVM: setup and syncs are fast (the README of shared/validation/qemu-dev: "~1 ms" without
#:   the TCG workaround); sync and device-state costs are assumptions (1 ms fixed, 5 ms).
#: - TCG (QEMU 7.2 with the +8 KiB RAM workaround for the TCG dirty-tracking bug fixed by
#:   03bfc2188f in 9.0): estimated once over all 18 runs of shared/validation/qemu-dev/
#:   measurements.csv by ``python -m lpmsim.fidelity.qemu_dev --constants`` (never per run):
#:   setup = median setup-time / RAM pages; the same per-page cost for every later sync (the
#:   workaround's per-dirty-page TLB reset); device_state = Theil-Sen intercept of downtime
#:   against the downtime's RAM bytes; zero_page_time = the thread's time per zero page in
#:   the first-pass intervals where it crossed zero pages without reaching its quota
#:   (lpmsim.fidelity.qemu_dev.zero_page_time; 0.6-2.4 us per interval on that loaded 2-core
#:   host, 1.03 us over all of them).
#: - KVM zero_page_time: an assumption, 0.3 us (buffer_is_zero reading 4 KiB at ~13 GB/s);
#:   docs/sensitivity.md sweeps it.
ACCEL_DEFAULTS: dict[str, dict] = {
    "kvm": {"dirty_log": "sync", "setup_fixed": 0.001, "setup_per_page": 0.0,
            "sync_fixed": 0.001, "sync_per_page": 0.0, "device_state": 0.005,
            "zero_page_time": 0.3e-6},
    "kvm-clear": {"dirty_log": "clear-on-send", "setup_fixed": 0.001, "setup_per_page": 0.0,
                  "sync_fixed": 0.001, "sync_per_page": 0.0, "device_state": 0.005,
                  "zero_page_time": 0.3e-6},
    "tcg": {"dirty_log": "sync", "setup_fixed": 0.0, "setup_per_page": 3.1e-6,
            "sync_fixed": 0.0, "sync_per_page": 3.1e-6, "device_state": 0.0062,
            "zero_page_time": 1.03e-6},
}


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
