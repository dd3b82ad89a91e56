"""The measure registry: one entry drives the table, both engines, the report, drawings and the CLI."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from analysis_graphs import canonical

import graphkit as gk
from graphkit.analysis.centrality import CENTRALITY_COLUMNS, centrality
from graphkit.analysis.engine import actor_network
from graphkit.analysis.measures import MEASURES, Measure, compute


@pytest.mark.parametrize("graph", ["sample", "florentine", "karate"])
@pytest.mark.parametrize("name", list(MEASURES))
def test_both_implementations_of_every_measure_agree(graph, name):
    """igraph and networkx are independent libraries: each checks the other."""
    G = {
        "sample": lambda: gk.load(gk.SAMPLE),
        "florentine": lambda: canonical(nx.florentine_families_graph()),
        "karate": lambda: canonical(nx.karate_club_graph()),
    }[graph]()
    net = actor_network(G)
    a = np.asarray(compute(net, name, engine="igraph"), dtype=float)
    b = np.asarray(compute(net, name, engine="networkx"), dtype=float)
    assert np.allclose(a, b, atol=1e-6, equal_nan=True), name


def test_the_table_has_one_column_per_registry_entry_in_order():
    c = centrality(gk.load(gk.SAMPLE))
    ranks = tuple(f"{m}_kind_rank" for m in MEASURES)  # issue #12: each measure's rank within the kind
    assert tuple(c.columns) == CENTRALITY_COLUMNS == ("id", "name", "kind", *MEASURES, *ranks)
    assert set(c.attrs["measures"]) >= {m for m, e in MEASURES.items() if not e.from_network}


def test_only_the_measures_asked_for_are_computed_with_the_full_tables_values():
    G = gk.load(gk.SAMPLE)
    full = centrality(G)
    part = centrality(G, measures=["betweenness", "core"])
    assert list(part.columns) == [
        "id",
        "name",
        "kind",
        "betweenness",
        "core",
        "betweenness_kind_rank",
        "core_kind_rank",
    ]
    assert part["betweenness"].tolist() == full["betweenness"].tolist()
    with pytest.raises(gk.AnalysisError, match="unknown measure"):
        centrality(G, measures=["harmonic"])


def _harmonic(net, pivots):
    d = nx.harmonic_centrality(net.networkx)
    return np.array([d[i] for i in range(net.n)], dtype=float)


def test_a_new_registry_entry_reaches_table_report_drawing_and_cli(monkeypatch, tmp_path):
    """Adding a measure is one entry: no other file changes for it to be computed and shown."""
    monkeypatch.setitem(
        MEASURES,
        "harmonic",
        Measure("harmonic", "Harmonic", "Sum of inverse distances to every other actor.", _harmonic, _harmonic,
                ranked=True),
    )  # fmt: skip
    G = gk.load(gk.SAMPLE)
    c = centrality(G).set_index("id")
    # by hand on the sample: FIRST's only tie is CERT_EU, whose only other tie is MICROSOFT -> 1 + 1/2
    assert c.loc["FIRST", "harmonic"] == pytest.approx(1.5)
    a = gk.analyze(G)
    assert "harmonic" in a.centrality
    from graphkit.export.report import build_report, render_report_markdown

    md = render_report_markdown(build_report(G, a))
    assert (
        "| Harmonic |" in md and "Sum of inverse distances" in md
    )  # a column of the rankings, defined above them
    from graphkit.export.drawing import prepare_drawing

    D = prepare_drawing(G, size_by="harmonic")
    assert max(D.nodes, key=lambda n: n.score).score == pytest.approx(c["harmonic"].max())
    from graphkit.cli import main

    assert main(["viz", str(gk.SAMPLE), "-o", str(tmp_path / "h.html"), "--size-by", "harmonic", "-q"]) == 0
