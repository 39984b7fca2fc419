"""Random command lines through every subcommand (issue 15 class 6): exit 0, 1 or 2 and never a
traceback. The values are the hostile ones the reliability report used."""

from __future__ import annotations

import tempfile

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lpmsim.cli import main

S = "scenarios/single-active.toml"
VALUES = ["", "0", "-1", "1e400", "nan", "inf", "٣", "x", "1 s", "64 GiB", "a=b", "=", ".", "..",
          "/dev/null", "/dev/zero", "/proc/x", "no/such", "'", '"', "1e-300 s", "10 Gbps",
          "100000000000"]
KEYS = ["partitions.db01.memory", "hmc.validate", "seed", "horizon", "max_events",
        "mover.tcp_window", "links.lpm-10g.bandwidth", "migrations.0.policy",
        "vios.viosA1.msp_throughput", "migrations.db01.redundant_msps",
        "partitions.db01.compressibility", "systems.frameA.processor", "hypervisor.hpt_ratio"]
value, key = st.sampled_from(VALUES), st.sampled_from(KEYS)


def out() -> str:
    return tempfile.mkdtemp()


COMMANDS = st.one_of(
    st.builds(lambda k, v: ["run", S, "--no-plot", "--out", out(), "--set", f"{k}={v}"], key, value),
    st.builds(lambda v: ["run", S, "--no-plot", "--out", out(), "--progress", v], value),
    st.builds(lambda k, a, b: ["sweep", S, "--grid", f"{k}={a},{b}", "--jobs", "1", "--out", out()],
              key, value, value),
    st.builds(lambda a, b: ["sweep", S, "--grid", f"hmc.validate=range({a}, {b})", "--jobs", "1",
                            "--out", out()], value, value),
    st.builds(lambda p, d: ["validate", S, "--partition", p, "--destination", d],
              st.sampled_from(["db01", "x"]), st.sampled_from(["frameB", "q"])),
    st.builds(lambda o, m, i: ["migrlpar", S, "-o", o, "-m", m, "-t", "frameB", "-p", "db01",
                               "-i", i, "--no-plot", "--out", out()],
              st.sampled_from(["v", "m", "x"]), st.sampled_from(["frameA", "z"]), value),
    st.builds(lambda b, t: ["check", S, "--baseline", b, "--tolerance", t],
              st.sampled_from(["/dev/null", "no/such", "/tmp"]), value),
    st.builds(lambda d, o: ["import", "hmc", d, "-o", o],
              st.sampled_from(["/tmp", "no/such", "examples/hmc-dump"]),
              st.sampled_from(["/proc/x.toml", "/dev/full"])),
    st.builds(lambda f: ["calibrate", f, "--scenario", S, "--out", out() + "/o.toml"],
              st.sampled_from(["/dev/null", "no/such"])),
)


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(COMMANDS)
def test_random_command_lines_answer_cleanly(args):
    r = CliRunner().invoke(main, args)
    assert r.exception is None or isinstance(r.exception, SystemExit), (args, repr(r.exception))
    assert r.exit_code in (0, 1, 2), (args, r.exit_code, r.output)
