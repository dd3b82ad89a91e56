"""analyze / write_analysis and the `graphkit analyze` command."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import graphkit as gk
from graphkit.analysis import ANALYSIS_FILES, analyze
from graphkit.cli import main
from graphkit.export.analysis_tables import write_analysis

ROOT = Path(__file__).resolve().parents[2]


def test_analyze_sample_tables_and_summary(tmp_path):
    a = analyze(gk.load(gk.SAMPLE), seed=1)
    paths = write_analysis(a, tmp_path / "out")
    assert sorted(p.name for p in paths) == sorted(ANALYSIS_FILES)
    with open(tmp_path / "out" / "gaps.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:5] == ["actor_id", "capability_id", "weight", "own", "pooled"]
    usa_ti = next(r for r in rows if r["actor_id"] == "USA" and r["capability_id"] == "cap:threat_intel")
    assert (usa_ti["weight"], usa_ti["own"], usa_ti["pooled"]) == ("2", "false", "true")
    with open(tmp_path / "out" / "centrality.csv", encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header == list(gk.analysis.CENTRALITY_COLUMNS)
    s = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert s["parameters"]["seed"] == 1
    assert s["measures"]["betweenness"] == "exact"
    assert 0.3 < s["clusters"]["modularity"] < 1
    assert "total" in s["timings"]


def test_formula_like_names_are_neutralised(tmp_path):
    G = gk.load(gk.SAMPLE)
    G.nodes["USA"]["name"] = '=HYPERLINK("http://evil.example","x")'
    write_analysis(analyze(G), tmp_path)
    text = (tmp_path / "centrality.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text
    assert "\n=" not in text and ",=" not in text and ',"=' not in text


def test_cli_analyze_writes_files(tmp_path, capsys):
    # --dormant-after 0: the sample's agreements (2011-2019) carry the weights and would be dormant today
    assert (
        main(
            [
                "analyze",
                str(gk.SAMPLE),
                "-o",
                str(tmp_path / "o"),
                "--seed",
                "2",
                "--weight",
                "weight",
                "--dormant-after",
                "0",
                "--quiet",
            ]
        )
        == 0
    )
    assert {p.name for p in (tmp_path / "o").iterdir()} == set(ANALYSIS_FILES)
    s = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert s["parameters"]["weight"] == "weight" and s["measures"]["distance"] == "1 / strength"


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--types", "HAS_CAPABILITY"], "does not join two actors"),
        (["--weight", "nosuch"], "no MEMBER_OF/COOPERATES_WITH relationship has the property 'nosuch'"),
        (["--weight", "instrument"], "cannot be a cooperation strength"),
        (["--partners", "TARGETS"], "cannot pool capabilities through 'TARGETS'"),
        (["--threshold", "2"], "threshold must be a number from 0 to 1"),
    ],
)
def test_cli_bad_options_exit_2_without_traceback(tmp_path, capsys, extra, message):
    # --dormant-after 0 keeps the sample's agreements (2011-2019), which carry instrument and weight
    assert (
        main(["analyze", str(gk.SAMPLE), "-o", str(tmp_path / "o"), "-q", "--dormant-after", "0", *extra])
        == 2
    )
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_output_path_is_a_file(tmp_path, capsys):
    f = tmp_path / "file.txt"
    f.write_text("x")
    assert main(["analyze", str(gk.SAMPLE), "-o", str(f), "-q"]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_cyber_multilateral_cooperation_closes_gaps():
    path = ROOT / "data" / "cyber-multilateral"
    if not (path / "actors.csv").exists():
        pytest.skip("data/cyber-multilateral not built")
    a = analyze(gk.load(path))
    g = a.gap_summary
    assert (g["coalition_gap"] < g["own_gap"]).any()
    assert len(a.centrality) == a.summary["graph"]["actors"]


def test_the_collector_is_paused_only_within_analyze():
    """analyze runs with the cyclic garbage collector off and leaves it as it was, also when
    it fails; the tables are those of a run with the collector on throughout."""
    import gc

    import pandas as pd

    import graphkit.analysis.run as run_module
    from graphkit.errors import GraphkitError

    G = gk.load(gk.SAMPLE)
    seen = []
    real = run_module.actor_network

    def spy(*a, **kw):
        seen.append(gc.isenabled())
        return real(*a, **kw)

    run_module.actor_network = spy
    try:
        a = gk.analyze(G, seed=2)
        assert seen == [False] and gc.isenabled()
        with pytest.raises(GraphkitError):
            gk.analyze(G, resolution=-1)
        assert gc.isenabled()
        gc.disable()
        try:
            gk.analyze(G, seed=2)
            assert not gc.isenabled()
        finally:
            gc.enable()
    finally:
        run_module.actor_network = real
    b = run_module.analyze.__wrapped__(G, seed=2)  # the collector on throughout
    for name, df in a.tables().items():
        pd.testing.assert_frame_equal(df, b.tables()[name])
