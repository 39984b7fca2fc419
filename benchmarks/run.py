"""Run every benchmark, each in its own process (so peak memory is its own), and print the
figures: ``python benchmarks/run.py`` (or ``python benchmarks/run.py core`` for one group)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
JOBS = {
    "core": [["bench_core.py", "64gib"], ["bench_core.py", "1tib"],
             ["bench_core.py", "qemu-1tib-critical"]],
    "evacuation": [["bench_evacuation.py"]],
    "busy": [["bench_busy.py", "concurrent"], ["bench_busy.py", "sequential"]],
    "sweep": [["bench_sweep.py"]],
}


def _figures(stdout: str) -> dict:
    """A benchmark prints one JSON object, on one line or pretty-printed, after any other text."""
    text = stdout.strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return json.loads(text[text.rindex("\n{") + 1:] if "\n{" in text else text.splitlines()[-1])


def main(groups: list[str]) -> int:
    failed = 0
    for group in groups or list(JOBS):
        for job in JOBS[group]:
            script = HERE / job[0]
            if not script.exists():
                print(f"{group}: {job[0]} missing, skipped")
                continue
            out = subprocess.run([sys.executable, str(script), *job[1:]], capture_output=True, text=True)
            if out.returncode:
                failed += 1
                print(f"{group}: {' '.join(job)} FAILED\n{out.stderr[-2000:]}")
                continue
            print(f"{group:<10} {json.dumps(_figures(out.stdout))}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
