"""Every source notebook, solutions in place, runs top to bottom in a fresh kernel without error."""

import re
import time

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

SOURCE = sorted((ROOT / "source_notebooks" / "logits").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", SOURCE, ids=lambda p: p.name)
def test_source_notebook_runs_clean(path):
    """No error output; the exercise's test cells pass and its self-check reports success."""
    nb = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    elapsed = time.perf_counter() - started
    errors = [
        (cell.get("id"), output.get("ename"), output.get("evalue"))
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert errors == []
    text = "".join(
        output.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "stream"
    )
    if path.name.startswith("05"):
        assert "All public checks passed" in text
    blank = [
        cell.source.splitlines()[0]
        for cell in nb.cells
        if cell.cell_type == "code"
        and re.search(r"\b(plots\.plot_|diagrams\.draw_)", cell.source)
        and not any("image/png" in output.get("data", {}) for output in cell.outputs)
    ]
    assert blank == [], "cells that draw a figure but show none"
    print(f"{path.name}: {elapsed:.1f} s")
