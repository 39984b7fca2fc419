"""The HMC's own vocabulary: its attribute=value text format, ``migrlpar`` requests, and
(:mod:`lpmsim.hmc.dump`) the saved output of the commands an administrator runs, turned into a
scenario. This layer reads text into scenario tables; it never runs a simulation."""

from lpmsim.hmc.format import FormatError, parse_line
from lpmsim.hmc.migrlpar import MigrlparError, Request, apply_request

__all__ = ["FormatError", "MigrlparError", "Request", "apply_request", "parse_line"]
