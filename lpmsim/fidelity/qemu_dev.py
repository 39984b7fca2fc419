"""Real QEMU 7.2 migrations (shared/validation/qemu-dev) -> validation cases, by rule, not by hand.

Every row of ``measurements.csv`` becomes one case file through the documented scenario format,
with these inputs only (the README of the measurements explains each):

- memory: ``mem_mib`` MiB + ``mem_pad_kib`` (the TCG workaround) + 0.5 MiB of ROM/ACPI blocks
  (the README: "the first pass always scans all of ram_total: M + 8 KiB, plus 0.5 MiB");
- touched memory: the idle guest's normal pages plus the working set. The idle baseline comes
  from the README's two published figures, ~21.6 k non-zero pages for an idle 512 MiB guest and
  ~23.7 k for 1024 MiB, interpolated linearly in the guest size (not fitted to any row). Part of
  that baseline is "boot memory that was freed but not zeroed" (README): free pages the
  dirtier's ``mmap(MAP_POPULATE)`` takes back, so they count once, not twice. How many
  (:data:`REUSED_PAGES`) and over how much of an allocation they are spread
  (:data:`REUSE_SPAN`) are properties of the guest image, estimated once over the whole set
  from QEMU's zero-page counts (:func:`platform_constants`): a working set of W pages reuses
  REUSED_PAGES x min(1, W / REUSE_SPAN) of them (assumption: they lie evenly among the first
  free pages the allocator hands out; the measured reuse is 1.2 k at W = 32 MiB and
  2.0-2.6 k from 64 MiB up);
- workload: ``uniform`` (``rand``) or ``sequential`` (``seq``) at ``dirty_pages_per_s`` page
  writes/s over ``ws_mib``; W = 0 or R = 0 is idle (the working set is touched once);
- ``max-bandwidth`` and ``downtime-limit`` as set; the horizon is the 120 s cancel timeout;
- layout: the guest's struct page array (1/64 of RAM, part of the idle baseline) fills the
  top of the address space (``top_touched``); the rest is spread evenly;
- the platform: ``accel = "tcg"`` (softmmu dirty tracking: sync semantics), whose setup, sync
  and device-state costs are estimated once over the whole set (:func:`platform_constants`) and
  are the defaults of :data:`lpmsim.scenario.policies.ACCEL_DEFAULTS`; a loopback link whose
  speed is estimated the same way.

Run ``python -m lpmsim.fidelity.qemu_dev SHARED_DIR OUT_DIR`` to rewrite the cases, or
``--constants`` to print the platform estimates.
"""

from __future__ import annotations

import csv
import math
import statistics
import sys
from pathlib import Path

#: Idle guests' non-zero pages, from the measurements' README (512 and 1024 MiB guests).
IDLE_PAGES = {512: 21_600, 1024: 23_700}
#: The loopback link's speed (bytes/s): estimated over the set by platform_constants().
LOOPBACK = 0.622e9
#: Freed-but-non-zero pages of the idle baseline that a working set's allocation reuses, and
#: the allocation (pages) over which they are spread: estimated over the set by
#: platform_constants().
REUSED_PAGES = 2_443
REUSE_SPAN = 18_688
PAGE = 4096
HORIZON_S = 120
#: zero_page_time(): a poll interval counts when it crossed at least ZERO_RUN zero pages and
#: sent less than ZERO_BOUND of the cap's quota (the thread never slept in it).
ZERO_RUN = 10_000
ZERO_BOUND = 0.6
#: Linux x86-64: sizeof(struct page) = 64 bytes per 4 KiB page, allocated top-down at boot
#: (memblock), so 1/64 of RAM is non-zero at the top of guest memory: QEMU scans it last. The
#: measured first passes show that block as the last few thousand pages, all normal.
STRUCT_PAGE_RATIO = PAGE // 64


def idle_pages(mem_mib: float) -> int:
    """The idle baseline of non-zero pages of a ``mem_mib`` guest (linear in the README's two)."""
    (m0, p0), (m1, p1) = sorted(IDLE_PAGES.items())
    return round(p0 + (p1 - p0) * (mem_mib - m0) / (m1 - m0))


def touched_pages(mem_mib: float, ws_mib: float) -> int:
    """Non-zero pages of a guest of ``mem_mib`` with a working set of ``ws_mib``: the idle
    baseline plus the working set, less the baseline's free pages the working set reuses."""
    ws = int(ws_mib * 1024 * 1024 // PAGE)
    return idle_pages(mem_mib) + ws - round(REUSED_PAGES * min(1.0, ws / REUSE_SPAN))


class ConvertError(ValueError):
    """Rows the converter cannot turn into cases; the message lists every problem."""


#: The input columns of a row (mem_pad_kib may be absent: 0).
INPUTS = ("run_id", "mem_mib", "ws_mib", "dirty_pages_per_s", "bw_cap_bytes_per_s",
          "downtime_limit_ms")
MODES = ("", "rand", "seq")


def read_rows(shared: Path, name: str = "measurements.csv") -> list[dict]:
    path = shared / name
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            return list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConvertError(f"{path}: cannot be read: {exc}") from None


def row_problems(row: dict, where: str, postcopy: bool = False) -> list[str]:
    """What keeps ``row`` from being converted: missing or non-numeric inputs, an unknown
    dirty mode or switch mode (each named with ``where``, the file and row)."""
    out = []
    for key in INPUTS + ("mem_pad_kib",):
        value = row.get(key)
        if value in (None, ""):
            if key != "mem_pad_kib":
                out.append(f"{where}: column {key!r} is missing or empty")
            continue
        try:
            number = float(value)
        except ValueError:
            out.append(f"{where}: {key} = {value!r} is not a number")
            continue
        if not math.isfinite(number) or number < 0:
            out.append(f"{where}: {key} = {value!r} must be finite and >= 0")
    if (row.get("dirty_mode") or "") not in MODES:
        out.append(f"{where}: dirty_mode = {row.get('dirty_mode')!r}: expected rand, seq or empty")
    if postcopy:
        try:
            ok = not switch_trigger(row).startswith("nan")
        except ValueError:  # delayX with X not a number
            ok = False
        if not ok:
            out.append(f"{where}: switch_mode = {row.get('switch_mode')!r}: expected passN or "
                       "delayN")
    return out


def _f(row: dict, key: str) -> float:
    v = row.get(key, "")
    try:
        return float(v) if v not in ("", None) else math.nan
    except ValueError:
        return math.nan


def scenario(row: dict) -> dict:
    """The lpmsim scenario of one measured migration (inputs only)."""
    mem, ws = _f(row, "mem_mib"), _f(row, "ws_mib")
    pad = 0.0 if math.isnan(_f(row, "mem_pad_kib")) else _f(row, "mem_pad_kib")
    rate = _f(row, "dirty_pages_per_s")
    ram_kib = int(mem * 1024 + pad + 512)
    touched = touched_pages(mem, ws) * PAGE
    if ws > 0 and rate > 0:
        kind = "sequential" if row.get("dirty_mode") == "seq" else "uniform"
        workload = {"kind": kind, "rate": f"{rate:g} pages/s", "working_set": f"{ws:g} MiB"}
    else:
        workload = {"kind": "idle"}
    policy = {"preset": "qemu", "accel": "tcg",
              "max_bandwidth": f"{_f(row, 'bw_cap_bytes_per_s'):.0f} B/s",
              "downtime_limit": f"{_f(row, 'downtime_limit_ms'):g} ms"}
    return {
        "name": f"qemu-dev-{row['run_id']}", "seed": 1, "horizon": f"{HORIZON_S} s",
        "hmc": {k: 0 for k in ("requirements", "shutdown", "validate", "mapping", "prepare",
                               "profiles", "cleanup", "activate", "post")},
        "hypervisor": {"os_poll": 0, "suspend": 0, "resume": 0, "state_bytes": 0},
        "systems": [{"name": "src", "memory": "64 GiB"}, {"name": "dst", "memory": "64 GiB"}],
        "links": [{"name": "loopback", "bandwidth": f"{LOOPBACK:.0f} B/s", "efficiency": 1.0}],
        "vios": [{"name": "vsrc", "system": "src", "links": ["loopback"],
                  "msp_throughput": "1 TB/s"},
                 {"name": "vdst", "system": "dst", "links": ["loopback"],
                  "msp_throughput": "1 TB/s"}],
        "partitions": [{"name": "guest", "system": "src", "memory": f"{ram_kib} KiB",
                        "touched": touched, "workload": workload,
                        "top_touched": ram_kib * 1024 // STRUCT_PAGE_RATIO}],
        "migrations": [{"partition": "guest", "destination": "dst", "policy": policy}],
    }


def measured(row: dict) -> dict:
    """QEMU's own counters for the row (the figures a case is compared on)."""
    converged = row.get("converged", row.get("completed")) == "True"
    total = _f(row, "total_time_ms") / 1000
    if converged and total == 0:  # run 101's glitch: use the event times (its notes)
        total = _f(row, "ev_completed_s")
    out = {"converged": 1.0 if converged else 0.0, "ram_bytes": _f(row, "ram_transferred"),
           "syncs": _f(row, "ram_dirty_sync_count"), "pages_sent": _f(row, "ram_normal"),
           "zero_pages": _f(row, "ram_duplicate"), "setup_s": _f(row, "setup_time_ms") / 1000}
    if converged:
        out["total_time_s"] = total
        if _f(row, "downtime_ms") > 0:
            out["downtime_s"] = _f(row, "downtime_ms") / 1000
    return out


def case(row: dict) -> dict:
    rid = row["run_id"]
    return {
        "name": f"qemu-dev-{rid}", "family": "qemu-dev", "platform": "qemu",
        "title": (f"QEMU 7.2 TCG, {row['mem_mib']} MiB guest, W {row['ws_mib']} MiB, "
                  f"R {row['dirty_pages_per_s']} pages/s {row['dirty_mode'] or ''}, cap "
                  f"{row['bw_cap_mib_s']} MiB/s, downtime-limit {row['downtime_limit_ms']} ms"),
        "citation": ("Real QEMU 7.2 migration measured on loopback with a TCG guest, "
                     f"shared/validation/qemu-dev/measurements.csv run {rid} (group "
                     f"{row['group']}, hop {row['hop']})"),
        "url": f"shared/validation/qemu-dev/series/run_{rid}.csv",
        "published": (f"total-time {row['total_time_ms']} ms, downtime {row['downtime_ms']} ms, "
                      f"setup {row['setup_time_ms']} ms, transferred {row['ram_transferred']} B, "
                      f"normal {row['ram_normal']}, duplicate {row['ram_duplicate']}, "
                      f"dirty-sync-count {row['ram_dirty_sync_count']}, converged "
                      f"{row['converged']}"),
        "assumptions": {
            "inputs": "Converted by lpmsim.fidelity.qemu_dev from the row's inputs only.",
            "touched": (f"idle baseline {idle_pages(_f(row, 'mem_mib'))} pages (linear in the "
                        "README's 21.6 k @ 512 MiB and 23.7 k @ 1024 MiB) plus the working set, "
                        f"less the freed boot pages it reuses ({REUSED_PAGES} x min(1, W / "
                        f"{REUSE_SPAN} pages), estimated once over all rows)"),
            "platform": ("accel tcg defaults (setup, sync and device-state costs) and a "
                         f"{LOOPBACK / 1e9:.2f} GB/s loopback, estimated once over all rows"),
            "kernel": "the idle kernel's own background writes are not modelled (a few pages)",
        },
        "measured": measured(row),
        "scenario": scenario(row),
    }


def switch_trigger(row: dict) -> str:
    """The postcopy trigger of a postcopy.csv row (the README's "Procedure for one run"):
    ``switch_after_pass`` N (``passN``: on the N-th MIGRATION_PASS) -> "N passes", else
    ``switch_delay_s`` (``delayN``: that long after migrate) -> "N s"."""
    after = _f(row, "switch_after_pass")
    if not math.isnan(after):
        return f"{after:g} passes"
    mode = row.get("switch_mode") or ""
    if mode.startswith("pass") and mode[4:].isdigit():
        return f"{int(mode[4:])} passes"
    delay = _f(row, "switch_delay_s")
    if math.isnan(delay) and mode.startswith("delay"):
        delay = float(mode[5:])
    return f"{delay:g} s"


def postcopy_case(row: dict) -> dict:
    """A hybrid pre-copy -> post-copy run of postcopy.csv. Inputs as for pre-copy, plus the
    switch (``switch_mode``), max-postcopy-bandwidth, and the dirtier's integrity check, which
    reads every page of the working set once a second (read_rate = W pages/s)."""
    out = case({**row, "converged": row.get("completed", "True")})
    rid = row["run_id"]
    mode = row["switch_mode"]
    trigger = switch_trigger(row)
    sc = out["scenario"]
    sc["name"] = out["name"] = f"qemu-dev-pc-{rid}"
    pol = sc["migrations"][0]["policy"]
    pol["postcopy"] = trigger
    pol["max_postcopy_bandwidth"] = f"{_f(row, 'postcopy_bw_cap_bytes_per_s'):.0f} B/s"
    ws = _f(row, "ws_mib")
    if ws > 0:
        sc["partitions"][0]["workload"]["read_rate"] = f"{ws * 1024 * 1024 / PAGE:g} pages/s"
    out["family"] = "qemu-dev-postcopy"
    out["title"] += f", post-copy {mode}"
    out["citation"] = out["citation"].replace("measurements.csv", "postcopy.csv")
    out["url"] = f"shared/validation/qemu-dev/postcopy_series/pc_run_{rid}.csv"
    out["published"] = (f"switch at {row['t_postcopy_start_s']} s, post-copy phase "
                        f"{row['postcopy_phase_s']} s, downtime {row['downtime_ms']} ms, total "
                        f"{row['total_time_ms']} ms, transferred {row['ram_transferred']} B, "
                        f"postcopy requests {row['ram_postcopy_requests']}")
    out["assumptions"]["switch"] = f"switch_mode {mode} -> postcopy = {trigger!r}"
    out["assumptions"]["reads"] = "the integrity check: W pages read per second"
    out["measured"] = {"total_time_s": _f(row, "total_time_ms") / 1000,
                       "downtime_s": _f(row, "downtime_ms") / 1000,
                       "postcopy_s": _f(row, "postcopy_phase_s"),
                       "ram_bytes": _f(row, "ram_transferred"),
                       "syncs": _f(row, "ram_dirty_sync_count"),
                       "setup_s": _f(row, "setup_time_ms") / 1000,
                       "demand_requests": _f(row, "ram_postcopy_requests"),
                       "rate_drop": _f(row, "guest_rate_drop_postcopy_pct") / 100,
                       # the drop is measured over the dirtier's report window, which holds the
                       # post-copy phase and up to a report interval on each side (README)
                       "window": {"rate_drop": _f(row, "guest_postcopy_window_s")}}
    out["assumptions"]["rate_drop"] = (
        "measured over guest_postcopy_window_s, the dirtier's report window; simulated over a "
        "window as long, ending half a report interval (0.5 s) after completion")
    return out


def write_cases(shared: Path, out: Path) -> list[Path]:
    import tomli_w

    tables = [(name, make, prefix, read_rows(shared, name))
              for name, make, prefix in (("measurements.csv", case, "run"),
                                         ("postcopy.csv", postcopy_case, "pc_run"))]
    problems = [p for name, make, _, rows in tables for i, row in enumerate(rows, start=2)
                for p in row_problems(row, f"{shared / name}, line {i}", make is postcopy_case)]
    if problems:
        raise ConvertError(f"{len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make, prefix, rows in tables:
        for row in rows:
            path = out / f"{prefix}_{row['run_id']}.toml"
            header = ("# Generated by `python -m lpmsim.fidelity.qemu_dev` from "
                      f"shared/validation/qemu-dev/{name}; do not edit by hand.\n")
            path.write_text(header + tomli_w.dumps(make(row)))
            written.append(path)
    return written


def platform_constants(shared: Path) -> dict[str, float]:
    """The TCG platform's constants, estimated once over every row of measurements.csv:

    - setup_per_page: median of setup-time / RAM pages (setup is the first sync, which the
      TCG workaround makes scan the TLB once per page: README side effect (b));
    - sync_per_page: the same per-page cost for every later sync (the same work per page it
      reads from the dirty log);
    - downtime = final bytes / loopback + device_state (the final sync finds only the pages
      dirtied since the iteration's sync an instant before): a Theil-Sen line of downtime
      against the downtime's RAM bytes gives the loopback speed (1 / slope) and device_state
      (the intercept);
    - reused_pages, reuse_span: the idle baseline's pages a working set takes back, per row
      with one baseline + W - non-zero pages found (RAM pages less QEMU's ``duplicate``),
      least squares of reused x min(1, W / span) over those rows (span on a 256-page grid)."""
    rows = read_rows(shared)
    ram_pages = [(_f(r, "mem_mib") * 1024 + _f(r, "mem_pad_kib") + 512) * 1024 / PAGE
                 for r in rows]
    per_page = statistics.median(_f(r, "setup_time_ms") / 1000 / p for r, p in zip(rows, ram_pages))
    pts = [(_f(r, "ram_downtime_bytes"), _f(r, "downtime_ms") / 1000) for r in rows
           if r["converged"] == "True" and _f(r, "downtime_ms") > 0]
    slopes = [(y1 - y0) / (x1 - x0) for i, (x0, y0) in enumerate(pts) for x1, y1 in pts[i + 1:]
              if x1 != x0]
    slope = statistics.median(slopes)
    intercept = statistics.median(y - slope * x for x, y in pts)
    link = 1 / slope
    overlap = [(_f(r, "ws_mib") * 1024 * 1024 / PAGE, idle_pages(_f(r, "mem_mib"))
                + _f(r, "ws_mib") * 1024 * 1024 / PAGE - (p - _f(r, "ram_duplicate")))
               for r, p in zip(rows, ram_pages) if _f(r, "ws_mib") > 0]
    reused, span = _reuse_fit(overlap)
    return {"setup_per_page": per_page, "sync_per_page": per_page,
            "device_state": intercept, "loopback_Bps": link,
            "reused_pages": reused, "reuse_span": span,
            "zero_page_time": zero_page_time(shared, rows, link)}


def zero_page_time(shared: Path, rows: list[dict], link: float) -> float:
    """Seconds the migration thread spends per zero page it scans, from the per-100 ms series
    of every row: the poll intervals of the first pass in which the scan crossed a run of
    zero pages (>= ZERO_RUN of them) and sent less than ZERO_BOUND of the cap's quota, so the
    thread never reached its quota and never slept. There, interval = normal pages x their wire
    bytes / loopback + zero pages x zero_page_time: the sum over all such intervals of
    (interval - normal time) over the sum of their zero pages. (The thread also loses the CPU to
    the guest and the rest of the loaded host: that is part of the platform, as it is of the
    other constants.)"""
    busy = zeros = 0.0
    for r in rows:
        series = shared / r["series_file"]
        if not series.exists():
            continue
        with series.open(newline="") as fh:
            polls = [p for p in csv.DictReader(fh)
                     if p["status"] == "active" and p["ram_dirty_sync_count"] == "1"]
        cap = _f(r, "bw_cap_bytes_per_s")
        for a, b in zip(polls, polls[1:]):
            dt = float(b["t_s"]) - float(a["t_s"])
            dz = int(b["ram_duplicate"]) - int(a["ram_duplicate"])
            dn = int(b["ram_normal"]) - int(a["ram_normal"])
            sent = int(b["ram_transferred"]) - int(a["ram_transferred"])
            if dz >= ZERO_RUN and sent < ZERO_BOUND * cap * dt:
                busy += dt - dn * (PAGE + 8) / link
                zeros += dz
    return busy / zeros if zeros else 0.0


def _reuse_fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least squares of y = reused x min(1, w / span) over (w, y): the best span on a 256-page
    grid, with reused in closed form for each."""
    best = (math.inf, 0.0, 0.0)
    for span in range(256, 65536 + 1, 256):
        f = [min(1.0, w / span) for w, _ in points]
        reused = sum(a * y for a, (_, y) in zip(f, points)) / sum(a * a for a in f)
        sse = sum((reused * a - y) ** 2 for a, (_, y) in zip(f, points))
        if sse < best[0]:
            best = (sse, reused, float(span))
    return best[1], best[2]


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] in ("-h", "--help"):
        print("usage: python -m lpmsim.fidelity.qemu_dev SHARED_QEMU_DEV_DIR OUT_DIR | "
              "--constants SHARED_QEMU_DEV_DIR", file=sys.stderr)
        return 2
    try:
        if argv[0] == "--constants":
            for k, v in platform_constants(Path(argv[1])).items():
                print(f"{k} = {v:.6g}")
            return 0
        for path in write_cases(Path(argv[0]), Path(argv[1])):
            print(path)
    except (ConvertError, OSError) as exc:
        print(f"lpmsim.fidelity.qemu_dev: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
