"""Fidelity: the simulator against published measurements (``validation/``).

A case is a TOML file: the scenario to simulate (``[scenario]``), the published figures
(``[measured]``, optionally ``[measured.range]`` and ``[measured.bound]``), the citation and the
assumptions made for every parameter the source leaves open. :func:`run_cases` simulates them all
and :func:`report_frame` lines up measured and simulated figures with their relative errors.
"""

from lpmsim.fidelity.cases import Case, CaseError, load_case, load_cases
from lpmsim.fidelity.report import (METRICS, errors_dict, report_frame, report_markdown,
                                    run_case, run_cases, scatter, write_report)

__all__ = ["Case", "CaseError", "METRICS", "errors_dict", "load_case", "load_cases",
           "report_frame", "report_markdown", "run_case", "run_cases", "scatter", "write_report"]
