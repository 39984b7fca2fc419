"""Calibration: fit the parameters public sources leave open (MSP throughput per pair,
per-partition dirty rate and working set, HMC step durations, the PowerVM stop threshold) to a
user's measured migrations, and write them as a scenario overlay for ``lpmsim run --overlay``.
"""

from lpmsim.calibrate.fit import GROUPS, FitResult, fit, identifiability
from lpmsim.calibrate.observations import CalibrationError, Observation, read_observations
from lpmsim.calibrate.overlay import overlay_text, report_text, write_overlay

__all__ = ["CalibrationError", "FitResult", "GROUPS", "Observation", "fit", "identifiability",
           "overlay_text", "read_observations", "report_text", "write_overlay"]
