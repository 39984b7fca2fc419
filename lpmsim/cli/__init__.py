"""The ``lpmsim`` command. Each subcommand lives in its own module of this package (named like
the command) and only calls the layers below (scenario, simulate, results, sweep, plots).

Subcommands are imported only when they run (``LazyGroup``): ``lpmsim --help`` must not pay for
pandas, SimPy and pydantic. The one-line help of each command is kept here for that listing.
"""

from __future__ import annotations

import importlib

import click

COMMANDS = {
    "run": "Simulate SCENARIO (a TOML file) and report every migration.",
    "validate": "Validate the migrations of SCENARIO like `migrlpar -o v`.",
    "migrlpar": "Validate or migrate partitions with the HMC's migrlpar syntax.",
    "sweep": "Run SCENARIO over a grid of values, locally or on Dask.",
    "plot": "Draw the figures of a results folder.",
    "check": "Compare a run with a saved timing baseline.",
    "fidelity": "Compare the simulator with measured migrations.",
    "calibrate": "Fit parameters to observed migration times.",
    "import": "Build a scenario from saved HMC and VIOS command output.",
}
#: command -> module and attribute when the command's name is a Python keyword
MODULES = {"import": "import_"}


class LazyGroup(click.Group):
    """A click group whose commands are imported when they are invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        if ctx.resilient_parsing or _listing(ctx):
            return click.Command(cmd_name, help=COMMANDS[cmd_name], short_help=COMMANDS[cmd_name])
        module = MODULES.get(cmd_name, cmd_name)
        return getattr(importlib.import_module(f"lpmsim.cli.{module}"), module)


def _listing(ctx: click.Context) -> bool:
    """True while the group formats its own help (the command list), not a command's."""
    return getattr(ctx, "_lpmsim_listing", False)


class _Main(LazyGroup):
    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        ctx._lpmsim_listing = True  # type: ignore[attr-defined]
        try:
            super().format_commands(ctx, formatter)
        finally:
            ctx._lpmsim_listing = False  # type: ignore[attr-defined]


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lpmsim")
def main() -> None:
    """Simulate IBM PowerVM Live Partition Mobility."""
    headless()


def headless() -> None:
    """The CLI draws PNG files, never windows: choose Agg before pyplot is imported (only here,
    so that notebooks keep their inline backend)."""
    import os
    import sys
    if "matplotlib" in sys.modules:
        sys.modules["matplotlib"].use("Agg")
    else:
        os.environ.setdefault("MPLBACKEND", "Agg")
