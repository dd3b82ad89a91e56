"""AnalysisOptions: one options object, the same results as the loose keywords, each CLI option defined once."""

from __future__ import annotations

import argparse

import pandas as pd
import pytest

import graphkit as gk
from graphkit.analysis import analyze, stability
from graphkit.analysis.options import PARAMETER_NAMES, AnalysisOptions
from graphkit.errors import AnalysisError

# summary["parameters"] as analyze wrote it before the options object (round 2), by hand
ROUND2_PARAMETERS = {
    "types": ["MEMBER_OF", "COOPERATES_WITH"],
    "weight": None,
    "cluster_method": "louvain",
    "resolution": 1.0,
    "restarts": 5,
    "seed": 0,
    "engine": "auto",
    "exact_threshold": 20_000,
    "samples": 256,
    "threshold": 0.5,
    "partners": ["MEMBER_OF", "COOPERATES_WITH"],
}


def test_defaults_give_the_round2_parameters():
    """Round 3 adds options (dormancy, instrument weights); the round-2 ones keep their names and defaults."""
    got = AnalysisOptions().as_dict()
    assert {k: got[k] for k in ROUND2_PARAMETERS} == ROUND2_PARAMETERS


def test_summary_parameters_are_the_options():
    o = AnalysisOptions(seed=3, threshold=0.6, partners=("MEMBER_OF",))
    a = analyze(gk.load(gk.SAMPLE), o)
    assert a.summary["parameters"] == o.as_dict()
    assert a.summary["parameters"]["partners"] == ["MEMBER_OF"]


def test_options_object_equals_keywords():
    G = gk.load(gk.SAMPLE)
    by_keywords = analyze(G, seed=2, threshold=0.7, method="label_propagation")
    by_object = analyze(G, AnalysisOptions(seed=2, threshold=0.7, method="label_propagation"))
    for name, table in by_keywords.tables().items():
        # equal up to float summation order (two runs of the same call differ in the 15th digit)
        pd.testing.assert_frame_equal(table, by_object.tables()[name], rtol=1e-9, obj=name)
    assert by_keywords.summary["parameters"] == by_object.summary["parameters"]


def test_stability_takes_the_options():
    G = gk.load(gk.SAMPLE)
    o = AnalysisOptions(seed=1)
    a = stability(G, o, runs=2)
    b = stability(G, runs=2, seed=1)
    pd.testing.assert_frame_equal(a.ranks, b.ranks)


def test_round_trip_and_unknown_option():
    o = AnalysisOptions(seed=5, weight="weight", types=("COOPERATES_WITH",))
    assert AnalysisOptions.from_dict(o.as_dict()) == o
    assert AnalysisOptions.from_dict({**o.as_dict(), "engine": "gds"}).engine == "auto"
    with pytest.raises(AnalysisError, match="unknown analysis option"):
        AnalysisOptions.of(o, thresold=0.4)
    assert set(PARAMETER_NAMES.values()) >= set(ROUND2_PARAMETERS)


@pytest.mark.parametrize("command", ["analyze", "report", "viz", "recommend"])
def test_each_cli_option_defined_once(command):
    from graphkit.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[command]
    flags = [f for a in sub._actions for f in a.option_strings]
    assert len(flags) == len(set(flags))
    assert flags.count("--threshold") == 1


def test_cli_builds_the_options():
    from graphkit.cli import build_parser
    from graphkit.cli.common import analysis_options

    args = build_parser().parse_args(["analyze", "x", "-o", "y", "--threshold", "0.7", "--seed", "4"])
    assert analysis_options(args) == AnalysisOptions(threshold=0.7, seed=4)
    args = build_parser().parse_args(["recommend", "x", "USA", "--threshold", "0.6"])
    assert analysis_options(args) == AnalysisOptions(threshold=0.6)
