"""A notebook executed by a real Jupyter kernel (nbclient): the analysis renders as HTML, and a
second gk.show adds its drawing, not the viewer's library again."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[2]

CELLS = [
    "import graphkit as gk\nimport networkx as nx\nG = gk.load(gk.SAMPLE)\na = gk.analyze(G, seed=1)",
    "a",
    "gk.show(G)",
    "gk.show(G, focus='NATO')",
    "round(sum(nx.pagerank(G).values()), 6)",  # networkx's own algorithms need scipy
    "H = gk.to_networkx(G)\nH.nodes['EST']['label']",
]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nb")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in CELLS]
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + old if old else "")
    try:
        client = nbclient.NotebookClient(
            nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp)}}
        )
        client.execute()
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old
    path = tmp / "executed.ipynb"
    nbformat.write(nb, path)
    return nb, path


def _size(cell) -> int:
    return len(json.dumps(cell.outputs, ensure_ascii=False).encode("utf-8"))


def test_analysis_renders_as_html(executed):
    nb, _ = executed
    (out,) = nb.cells[1].outputs
    page = out["data"]["text/html"]
    assert page.count("<table") == 5 and "Most central actors" in page
    assert len(page) < 20_000  # not a dataclass dump
    assert out["data"]["text/plain"].startswith("<Analysis of sample")


def test_second_show_adds_less_than_a_fifth(executed):
    nb, path = executed
    first, second = _size(nb.cells[2]), _size(nb.cells[3])
    assert first > 500_000  # the library, once
    assert first + second < 1.2 * first
    assert "graphkitLibrary" in json.dumps(nb.cells[2].outputs) and "graphkitLibrary" not in json.dumps(
        nb.cells[3].outputs
    )
    assert path.stat().st_size < 1.2 * first + 200_000


def test_networkx_algorithms_and_display_names(executed):
    nb, _ = executed
    assert nb.cells[4].outputs[0]["data"]["text/plain"] == "1.0"
    assert nb.cells[5].outputs[0]["data"]["text/plain"] == "'Estonia'"
