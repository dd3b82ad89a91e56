"""A large analysis says what it is doing: the exact threshold and how to sample, each
Louvain restart, and the betweenness and closeness sources as they are done."""

from __future__ import annotations

import io

import pytest

from benchmarks.synthetic import synthetic_graph
from graphkit.analysis import analyze
from graphkit.progress import Progress

pytest.importorskip("numba")


@pytest.fixture(scope="module")
def large():
    return synthetic_graph(6000, seed=2, coop_edges_per_actor=3)


def test_large_exact_analysis_says_how_to_sample_and_counts_every_step(large):
    out = io.StringIO()
    a = analyze(large, as_of="all", progress=Progress(stream=out), restarts=3)
    text = out.getvalue()
    n = a.summary["graph"]["actors"]
    assert f"{n:,} actors is within the exact threshold" in text
    assert "--exact-threshold 5,000 estimates them from 256 sampled sources instead" in text
    assert "clusters (louvain): 3/3 runs" in text
    assert f"betweenness and closeness: {n:,}/{n:,} sources" in text
    assert a.summary["measures"]["betweenness"] == "exact"


def test_quiet_says_nothing(large):
    out = io.StringIO()
    analyze(large, as_of="all", progress=Progress(stream=out, quiet=True), restarts=1)
    assert out.getvalue() == ""


def test_above_the_threshold_it_samples_and_says_so(large):
    out = io.StringIO()
    a = analyze(
        large, as_of="all", progress=Progress(stream=out), exact_threshold=5000, samples=64, restarts=1
    )
    text = out.getvalue()
    assert "is above the exact threshold (5,000)" in text
    assert "betweenness and closeness: 64/64 sources" in text
    assert a.summary["measures"]["betweenness"].startswith("sampled (64 of")
