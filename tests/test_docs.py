"""docs/sensitivity.md is what docs/sensitivity.py writes (the assumptions' sweep stays true)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DOCS = Path(__file__).parent.parent / "docs"


def test_sensitivity_table_is_current():
    spec = importlib.util.spec_from_file_location("sensitivity", DOCS / "sensitivity.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert (DOCS / "sensitivity.md").read_text() == mod.markdown(mod.rows(), mod.frame_rows(), mod.qemu_rows()), (
        "regenerate with: .venv/bin/python docs/sensitivity.py")
