"""Build the notebooks of this folder (without outputs) from the cells below.

    .venv/bin/python notebooks/build.py

Edit the cells here, not the .ipynb files. Each notebook reads LPMSIM_SMALL=1 to shrink its
sweeps (the tests execute them that way: tests/test_notebooks.py).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = '''\
import os
from pathlib import Path

import matplotlib.pyplot as plt
import lpmsim

ROOT = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "scenarios").is_dir())
SMALL = os.environ.get("LPMSIM_SMALL") == "1"   # the tests run every notebook with small sizes
'''

DOWNTIME = [
    new_markdown_cell("""\
# Downtime curves: policies side by side

How do downtime and total migration time grow with the dirty rate, and what does bandwidth buy?
We sweep one 8 GiB partition of `scenarios/single-active.toml` over write rate x link bandwidth x
convergence policy (PowerVM, QEMU with its bandwidth cap lifted, Xen), with replications over
seeds, using `lpmsim.simulate_many` (local worker processes). The CLI equivalent:

```
lpmsim sweep scenarios/single-active.toml \\
    --grid 'partitions.db01.workload.rate=logspace(500 pages/s, 20000 pages/s, 8)' \\
    --grid 'links.lpm-10g.bandwidth=1 Gbps,10 Gbps,25 Gbps' \\
    --grid 'migrations.db01.policy=powervm,{ preset = "qemu", max_bandwidth = 0 },xen' \\
    --seeds 3 --set 'partitions.db01.memory=8 GiB' --set 'partitions.db01.workload.working_set=2 GiB'
```"""),
    new_code_cell(SETUP),
    new_code_cell('''\
rates = f"logspace(500 pages/s, 20000 pages/s, {3 if SMALL else 8})"
bandwidths = ["1 Gbps", "10 Gbps"] if SMALL else ["1 Gbps", "10 Gbps", "25 Gbps"]
policies = ["powervm", {"preset": "qemu", "max_bandwidth": 0}, "xen"]
sweep = lpmsim.simulate_many(
    ROOT / "scenarios" / "single-active.toml",
    grid={"partitions.db01.workload.rate": rates,
          "links.lpm-10g.bandwidth": bandwidths,
          "migrations.db01.policy": policies},
    seeds=2 if SMALL else 3,
    overrides=["partitions.db01.memory=8 GiB", "partitions.db01.workload.working_set=2 GiB",
               "horizon=2 h"],
    jobs=2, progress=False)
assert sweep.complete, sweep.problem()
table = sweep.table
table[["run", "seed", "partitions.db01.workload.rate", "links.lpm-10g.bandwidth", "policy",
       "downtime_s", "total_time_s", "passes"]].head()'''),
    new_markdown_cell("One panel per bandwidth; one line per policy; the band is the spread over seeds."),
    new_code_cell('''\
from lpmsim.plots import curves

rate, bw = "partitions.db01.workload.rate", "links.lpm-10g.bandwidth"
values = sorted(table[bw].unique())
fig, axes = plt.subplots(2, len(values), figsize=(5 * len(values), 7), squeeze=False)
for col, value in enumerate(values):
    rows = table[table[bw] == value]
    for row, y in enumerate(["downtime_s", "total_time_s"]):
        ax = curves(rows, rate, y, by="policy", unit=sweep.units[rate], ax=axes[row][col])
        ax.set_title(f"{y} at {value:g} {sweep.units[bw]}", fontsize="medium")
fig.tight_layout()'''),
    new_code_cell('''\
summary = (table.groupby(["policy", bw])[["downtime_s", "total_time_s"]]
           .agg(["mean", "max"]).round(3))
summary'''),
]

CAPACITY = [
    new_markdown_cell("""\
# Capacity planning: can frame A be evacuated to frame B in a 2-hour window?

`scenarios/frame-small.toml` evacuates 12 partitions (464 GiB) from frameA to frameB over one
10 GbE LPM link with one VIOS (MSP) pair; a second pair is cabled but not enabled as MSPs. We try
four configurations: today, 25 GbE, a second VIOS pair, and both. CLI equivalent:

```
lpmsim sweep scenarios/frame-small.toml --grid 'links.lpm-1.bandwidth=10 Gbps,25 Gbps' \\
    --zip vios.viosA2.msp=false,true --zip vios.viosB2.msp=false,true
```"""),
    new_code_cell(SETUP),
    new_code_cell('''\
WINDOW_S = 2 * 3600
scenario = ROOT / "scenarios" / "frame-small.toml"
small = ["hypervisor.chunk=256 MiB"] if SMALL else []
sweep = lpmsim.simulate_many(
    scenario,
    grid={"links.lpm-1.bandwidth": ["10 Gbps", "25 Gbps"]},
    zip={"vios.viosA2.msp": [False, True], "vios.viosB2.msp": [False, True]},
    overrides=small, jobs=2, progress=False)
assert sweep.complete, sweep.problem()
t = sweep.table
plan = (t.groupby(["links.lpm-1.bandwidth", "vios.viosA2.msp"])
         .agg(makespan_s=("end_s", "max"), worst_downtime_s=("downtime_s", "max"),
              longest_wait_s=("queue_wait_s", "max"),
              not_completed=("outcome", lambda s: int((s != "completed").sum())))
         .reset_index()
         .rename(columns={"links.lpm-1.bandwidth": "LPM link (Gbps)", "vios.viosA2.msp": "2nd VIOS pair"}))
plan["fits 2 h window"] = (plan["makespan_s"] <= WINDOW_S) & (plan["not_completed"] == 0)
plan'''),
    new_code_cell('''\
today = plan.iloc[0]
answer = "YES" if today["fits 2 h window"] else "NO"
print(f"Evacuate frameA -> frameB in 2 h with today's setup: {answer} "
      f"(makespan {today.makespan_s / 60:.1f} min)")
for _, row in plan.iloc[1:].iterrows():
    gain = today.makespan_s - row.makespan_s
    print(f"  {row['LPM link (Gbps)']:g} Gbps, 2nd pair={bool(row['2nd VIOS pair'])}: "
          f"makespan {row.makespan_s / 60:.1f} min ({gain / 60:+.1f} min saved)")'''),
    new_markdown_cell("The evacuation chart of today's setup: queue wait, transfer and downtime per "
                      "partition, link utilisation below, the 2-hour window dashed."),
    new_code_cell('''\
from lpmsim.plots import evacuation

run = lpmsim.simulate(lpmsim.load_scenario(scenario, small))
ax = evacuation(run.migrations, run.links, run.phases, window=WINDOW_S)'''),
]

REGRESSION = [
    new_markdown_cell("""\
# Timing regression: pin a scenario, check a change

A pinned scenario gives the same timeline under a seed. Save its timings as a baseline once,
then check every later run (a model change, or a planned change to a real configuration)
against it. On the command line:

```
lpmsim run scenarios/single-active.toml --save-baseline baseline.json
lpmsim check scenarios/single-active.toml --baseline baseline.json --tolerance 5%
# exit 0: within tolerance; 1: some figure moved (a table says which); 2: bad input
```

The project pins every shipped scenario the same way in `tests/golden/` (regenerate with
`LPMSIM_REGEN=1 pytest tests/test_golden.py`)."""),
    new_code_cell(SETUP),
    new_code_cell('''\
import tempfile
from lpmsim.results.baseline import compare, format_table, save_baseline

scenario = ROOT / "scenarios" / "single-active.toml"
small = ["partitions.db01.memory=8 GiB", "partitions.db01.workload.working_set=2 GiB"] if SMALL else []
pinned = lpmsim.simulate(lpmsim.load_scenario(scenario, small))
baseline = save_baseline(pinned, Path(tempfile.mkdtemp()) / "baseline.json")
print(baseline.read_text()[:400], "...")'''),
    new_markdown_cell("The same scenario and seed reproduce the baseline exactly:"),
    new_code_cell('''\
again = lpmsim.simulate(lpmsim.load_scenario(scenario, small), seed=pinned.seed)
diffs = compare(again, baseline, tolerance=0.05)
assert not diffs["moved"].any()
print(format_table(diffs))'''),
    new_markdown_cell("A planned change, a slower LPM link (what `--set` does on the command line), "
                      "moves the transfer and everything after it past the 5% tolerance:"),
    new_code_cell('''\
changed = lpmsim.simulate(lpmsim.load_scenario(scenario, small + ["links.lpm-10g.bandwidth=5 Gbps"]),
                          seed=pinned.seed)
diffs = compare(changed, baseline, tolerance=0.05)
print(format_table(diffs))
print(f"{int(diffs['moved'].sum())} figure(s) moved: `lpmsim check` would exit 1")'''),
]

NOTEBOOKS = {"downtime-curves.ipynb": DOWNTIME, "capacity-planning.ipynb": CAPACITY,
             "timing-regression.ipynb": REGRESSION}


def build() -> list[Path]:
    written = []
    for name, cells in NOTEBOOKS.items():
        for i, cell in enumerate(cells):
            cell["id"] = f"{Path(name).stem}-{i}"   # stable ids: a rebuild gives the same file
        nb = new_notebook(cells=cells, metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"}})
        path = HERE / name
        nbformat.write(nb, path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(path)
