"""Results: records -> pandas DataFrames, summaries and files."""

from lpmsim.results.frames import MIGRATION_COLUMNS, build_frames, categorize
from lpmsim.results.run import RunResult

__all__ = ["MIGRATION_COLUMNS", "RunResult", "build_frames", "categorize"]
