"""What every lpmsim command shares: loading a scenario with overrides, clean errors."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from lpmsim.scenario import Scenario, ScenarioError, load_scenario

#: Exit codes: 0 ok, 1 the answer is "no" (validation failed, a check moved past its tolerance),
#: 2 bad input (file, flags, values).
EXIT_NO, EXIT_BAD_INPUT = 1, 2

set_option = click.option(
    "--set", "overrides", multiple=True, metavar="KEY=VALUE",
    help="Override one scenario value, e.g. --set partitions.db01.memory='128 GiB' "
         "(repeatable; arrays of tables are addressed by name).")


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    click.echo(f"lpmsim: {message}", err=True)
    sys.exit(code)


overlay_option = click.option(
    "--overlay", "overlays", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
    help="A TOML overlay of values to change (e.g. from `lpmsim calibrate`); applied before --set.")


def resolve(path: str) -> str:
    """``path``, or the shipped scenario of that name (``flagship``) when no such file exists."""
    from pathlib import Path

    from lpmsim.data import scenario_path

    if "\x00" not in path and not Path(path).exists() and (shipped := scenario_path(path)) is not None:
        return str(shipped)
    return path


def load(path: str, overrides=(), overlays=()) -> Scenario:
    """Load ``path`` (or the shipped scenario of that name); exit 2 with every problem."""
    path = resolve(path)
    try:
        return load_scenario(path, overrides, overlays)
    except ScenarioError as exc:
        fail(str(exc))
