"""Bad input: every problem listed at once with its key path, exit code 2, no traceback."""

from __future__ import annotations

import json

import pytest
from builders import lone
from click.testing import CliRunner

from lpmsim import ScenarioError, load_scenario, scenario_from_dict, simulate
from lpmsim.cli import main
from lpmsim.units import UnitError, parse_bandwidth, parse_bytes, parse_duration, parse_rate


def test_units():
    assert parse_bytes("64 GiB") == 64 * 2**30
    assert parse_bytes("4KiB") == 4096 and parse_bytes("512 MB") == 512e6
    assert parse_bandwidth("10 Gbps") == 1.25e9 and parse_bandwidth("80 MB/s") == 8e7
    assert parse_duration("300 ms") == pytest.approx(0.3) and parse_duration("2 min") == 120
    assert parse_rate("2000 pages/s").pages_per_s(4096) == 2000
    assert parse_rate("80 MB/s").pages_per_s(4096) == pytest.approx(8e7 / 4096)
    for bad, fn in [("10 Gbz", parse_bandwidth), ("-1 GiB", parse_bytes), ("fast", parse_duration),
                    ("2000", parse_rate), (True, parse_bytes)]:
        with pytest.raises(UnitError):
            fn(bad)


BAD = lone(memory="3 TiB", bandwidth="10 Gbz")
BAD["partitions"][0]["colour"] = "blue"
BAD["partitions"][0]["page_size"] = "-4 KiB"
BAD["migrations"].append({"partition": "ghost", "destination": "Z"})
BAD["migrations"][0]["policy"] = {"preset": "qemu", "downtime_limit": "soon"}


def test_every_schema_problem_is_listed_with_its_key_path():
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(BAD)
    paths = {p.path for p in err.value.problems}
    assert {"links[net].bandwidth", "partitions[p].colour", "partitions[p].page_size",
            "migrations[p].policy.downtime_limit"} <= paths
    assert any("Gbz" in p.message for p in err.value.problems)


def test_cross_references_and_sizes_are_checked_together():
    raw = lone(memory="3 TiB")
    raw["migrations"].append({"partition": "ghost", "destination": "Z"})
    raw["vios"][0]["links"] = ["nowhere"]
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(raw)
    text = str(err.value)
    for needle in ("partitions[p].memory", "migrations[ghost].partition", "migrations[ghost].destination",
                   "vios[va].links", "no link named 'nowhere'"):
        assert needle in text


def test_overrides_are_checked_like_the_file():
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(lone(), ["partitions.nobody.memory=1GiB", "links.net.bandwidth=fast",
                                    "novalue"])
    text = str(err.value)
    assert "no partitions entry named 'nobody'" in text
    assert "links[net].bandwidth" in text and "KEY=VALUE" in text


def test_set_changes_a_value():
    sc = scenario_from_dict(lone(), ["partitions.p.memory=2 GiB", "migrations.0.policy=xen"])
    assert sc.partitions[0].memory == 2 * 2**30 and sc.migrations[0].policy.preset == "xen"


def test_python_api_rejects_bad_arguments():
    sc = scenario_from_dict(lone())
    with pytest.raises(ValueError, match='"seed"'):
        simulate(sc, seed=-3)
    with pytest.raises(TypeError, match='"scenario"'):
        simulate({"name": "x"})


def test_resolved_scenario_round_trips():
    sc = scenario_from_dict(lone(workload={"kind": "hotcold", "rate": "80 MB/s", "hot_set": "5%"}))
    again = scenario_from_dict(json.loads(json.dumps(sc.to_dict())))
    assert again == sc


@pytest.fixture
def bad_file(tmp_path):
    import tomllib  # noqa: F401  (the file is written by hand, as a user would)
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\n[[systems]]\nname = "A"\nmemory = "1 TiZ"\n'
                    '[[partitions]]\nname = "p"\nsystem = "Q"\nmemory = "-1 GiB"\nweird = 1\n')
    return path


def test_cli_bad_file_exit_2_no_traceback(bad_file):
    res = CliRunner().invoke(main, ["run", str(bad_file)])
    assert res.exit_code == 2
    out = res.output
    assert "Traceback" not in out
    for needle in ("systems[A].memory", "partitions[p].memory", "partitions[p].weird"):
        assert needle in out


def test_cli_bad_toml_and_missing_file(tmp_path):
    (tmp_path / "x.toml").write_text("name = [unclosed")
    for args in (["run", str(tmp_path / "x.toml")], ["run", str(tmp_path / "missing.toml")],
                 ["validate", str(tmp_path / "missing.toml")]):
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 2 and "Traceback" not in res.output


def test_cli_run_json_and_files(tmp_path):
    res = CliRunner().invoke(main, ["run", "scenarios/single-active.toml", "--json", "--seed", "3",
                                    "--out", str(tmp_path), "--set", "partitions.db01.memory=32GiB",
                                    "--set", "partitions.db01.touched=50%"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert rows[0]["outcome"] == "completed"
    assert set(rows[0]) >= {"total_time_s", "downtime_s", "postcopy_s", "bytes_sent", "passes", "outcome"}
    for name in ("migrations.csv", "phases.csv", "passes.csv", "events.csv", "links.csv",
                 "scenario.json", "timeline.png"):
        assert (tmp_path / name).exists(), name
    assert load_scenario("scenarios/single-active.toml").partitions[0].memory == 64 * 2**30


def test_cli_validate_exit_codes():
    runner = CliRunner()
    res = runner.invoke(main, ["validate", "scenarios/hmc-inventory.toml"])
    assert res.exit_code == 1 and "VLAN_NOT_BRIDGED" in res.output and "HUGE_PAGES" in res.output
    res = runner.invoke(main, ["validate", "scenarios/hmc-inventory.toml", "-p", "db01", "-t", "frameB"])
    assert res.exit_code == 0 and "vios2b/18" in res.output  # multipath kept on two VIOS
    res = runner.invoke(main, ["validate", "scenarios/hmc-inventory.toml", "-p", "nobody", "-t", "frameB"])
    assert res.exit_code == 2 and "--partition" in res.output


def test_validation_failure_does_not_stop_the_rest_and_inventory_moves():
    res = simulate(load_scenario("scenarios/hmc-inventory.toml"))
    out = res.migrations.set_index("migration").outcome
    assert out["db01"] == "completed" and out["app07"] == "validation_failed"
    before, after = res.inventories["db01"]["before"], res.inventories["db01"]["after"]
    assert before.partition("db01").system == "frameA" and after.partition("db01").system == "frameB"
