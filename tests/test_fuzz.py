"""A fuzzer of our own (issue 15, class 6): shipped scenarios with values replaced by extreme,
wrong-typed or hostile ones, through ``scenario_from_dict`` and ``simulate``. The answer is
always a ScenarioError naming a key, or a run whose invariants hold; never another exception,
never a hang. The default suite runs a few hundred cases; the slow mark runs thousands in CI."""

from __future__ import annotations

import copy
import math
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lpmsim import ScenarioError, scenario_from_dict, simulate

ROOT = Path(__file__).parent.parent
SHAPES = ["single-active", "single-inactive", "three-policies", "flagship", "faults",
          "non-converging", "hmc-inventory"]
BASE = {n: tomllib.loads((ROOT / "scenarios" / f"{n}.toml").read_text()) for n in SHAPES}
OUTCOMES = {"completed", "aborted", "stopped", "lost", "validation_failed", "unfinished"}

EXTREME = st.one_of(
    st.sampled_from([0, -1, 1, 2**63, 10**400 // 10**300, math.inf, -math.inf, math.nan, 1e308,
                     1e-308, True, "", " ", "0", "-1 s", "inf", "nan", "1e400 GiB", "1e308 GiB",
                     "0 B", "1 B", "1e-9 s", "0 s", "7 d", "١٢٨ GiB", "1 pages/s", "1e9 pages/s",
                     "1 bps", "100 Gbps", "64 GiB", "2 KiB", "50%", "200%", "x" * 300,
                     "../../etc", "a]\nb = 1", "\x00", [], {}, [1, 2], {"preset": "qemu"},
                     {"preset": "nope"}, {"kind": "idle"}, {"kind": "nope"}]),
    st.integers(min_value=-2**70, max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)


def _paths(node, prefix=()):
    """Every key path of a raw scenario (tables, arrays and leaves)."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


SCALES = [0, 1e-9, 1e-6, 1e-3, 0.5, 1, 3, 1e3, 1e6, 1e9, 1e12, 1e15]
_QUANTITY = re.compile(r"^\s*[0-9.eE+-]+\s*(.*)$")


def _rescaled(old, scale: float):
    """The same kind of value at another magnitude: "64 GiB" -> "1e-06 GiB", 30 -> 3e4. These
    pass the schema far more often than EXTREME values, so the runs themselves get fuzzed."""
    if isinstance(old, bool) or not isinstance(old, (int, float, str)):
        return old
    if isinstance(old, (int, float)):
        return type(old)(old * scale) if isinstance(old, float) else int(old * scale)
    m = _QUANTITY.match(old)
    return f"{scale:g} {m.group(1)}".strip() if m else old


def _get(raw, path):
    node = raw
    for part in path:
        node = node[part]
    return node


def _set(raw, path, value):
    node = raw
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


@st.composite
def mutated(draw):
    name = draw(st.sampled_from(SHAPES))
    raw = copy.deepcopy(BASE[name])
    # keep runs small so that a few hundred fit in seconds; the mutations may undo it
    for p in raw.get("partitions", []):
        p["memory"] = "1 GiB"
        if isinstance(p.get("workload"), dict) and "working_set" in p["workload"]:
            p["workload"]["working_set"] = "128 MiB"
    paths = [p for p in _paths(raw) if p]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        try:
            value = (draw(EXTREME) if draw(st.booleans())
                     else _rescaled(_get(raw, path), draw(st.sampled_from(SCALES))))
            # a copy: EXTREME's lists and tables are shared objects, and a later mutation
            # inside one must neither reach other cases nor make it contain itself
            _set(raw, path, copy.deepcopy(value))
        except (KeyError, IndexError, TypeError):
            pass  # an earlier mutation replaced a table on this path
        paths = [p for p in _paths(raw) if p]
    if draw(st.booleans()):
        raw["horizon"] = draw(st.sampled_from(["1 h", "10 min", 3600, "1e400 s", 0]))
    return raw


def _check(raw):
    try:
        sc = scenario_from_dict(raw)
    except ScenarioError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
        return
    res = simulate(sc)
    m = res.migrations
    assert set(m.outcome.astype(str)) <= OUTCOMES
    done = m[m.outcome == "completed"]
    assert (done.total_time_s >= 0).all() and (done.downtime_s.fillna(0) >= 0).all()  # NA: inactive
    assert (m.bytes_sent.fillna(0) >= 0).all()
    assert math.isfinite(res.makespan) or not len(done)


SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=400, **SETTINGS)
@given(mutated())
def test_mutated_scenarios_answer_cleanly(raw):
    _check(raw)


@pytest.mark.slow
@settings(max_examples=2500, **(SETTINGS | {"derandomize": False}))
@given(mutated())
def test_mutated_scenarios_answer_cleanly_at_length(raw):
    _check(raw)
