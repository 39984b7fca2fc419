"""The ``lpmsim`` command. Each subcommand lives in its own module of this package (named like
the command) and only calls the layers below (scenario, simulate, results, sweep, plots)."""

from __future__ import annotations

import importlib
import importlib.util

import click

COMMANDS = ("run", "validate", "sweep", "plot", "check", "fidelity", "calibrate")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lpmsim")
def main():
    """Simulate IBM PowerVM Live Partition Mobility."""


for _name in COMMANDS:
    if importlib.util.find_spec(f"lpmsim.cli.{_name}") is not None:
        main.add_command(getattr(importlib.import_module(f"lpmsim.cli.{_name}"), _name))
