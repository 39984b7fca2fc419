"""Every notebook in notebooks/ executes, with small sizes (LPMSIM_SMALL=1), and is committed
without outputs and in sync with notebooks/build.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _ensure_kernel() -> None:
    """A fresh venv has ipykernel but maybe no kernel spec: install it into the venv."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix"], check=True,
                       capture_output=True)


def test_there_are_notebooks():
    assert {p.name for p in NOTEBOOKS} >= {"downtime-curves.ipynb", "capacity-planning.ipynb",
                                           "timing-regression.ipynb"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name}: clear outputs"


def test_in_sync_with_build_script(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "notebooks"))
    try:
        import build
    finally:
        sys.path.pop(0)
    monkeypatch.setattr(build, "HERE", tmp_path)
    for path in build.build():
        assert path.read_text() == (ROOT / "notebooks" / path.name).read_text(), (
            f"{path.name} differs from notebooks/build.py: run .venv/bin/python notebooks/build.py")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path, monkeypatch):
    _ensure_kernel()
    monkeypatch.setenv("LPMSIM_SMALL", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
