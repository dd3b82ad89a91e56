"""One analysis everywhere: `viz`, `report` and `analyze` partition and parameterise alike.

The independent expectation of each test is another command's output file: the clusters
the interactive page draws must be those `graphkit analyze` writes to clusters.csv with
the same seed and options, and `report` must record what it was told in summary.json.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

import graphkit as gk
from graphkit.cli import build_parser, main

DATA = Path(__file__).resolve().parents[1] / "data" / "cyber-multilateral"


def _page_clusters(html: Path) -> dict[str, str]:
    m = re.search(r'<script type="application/json" id="[^"]+-data">(.*?)</script>', html.read_text(), re.S)
    assert m, "no data block in the page"
    return {n["id"]: n["cluster"] for n in json.loads(m.group(1))["nodes"] if n["label"] == "Actor"}


def _csv_clusters(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as f:
        return {r["id"]: r["cluster_name"] for r in csv.DictReader(f)}


def _partition(assignment: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for actor, cluster in assignment.items():
        groups.setdefault(cluster, set()).add(actor)
    return {frozenset(g) for g in groups.values()}


@pytest.mark.parametrize(
    ("dataset", "options"),
    [
        (gk.SAMPLE, ["--seed", "3"]),
        (DATA, ["--seed", "0"]),
        (gk.SAMPLE, ["--seed", "7", "--weight", "weight"]),
        (DATA, ["--seed", "11", "--clusters", "label_propagation", "--restarts", "2"]),
        (DATA, ["--seed", "5", "--clusters", "leiden", "--resolution", "1.5"]),
    ],
)
def test_viz_clusters_are_those_of_analyze_with_the_same_seed(tmp_path, dataset, options):
    assert main(["analyze", str(dataset), "-o", str(tmp_path / "a"), "-q", *options]) == 0
    assert (
        main(["viz", str(dataset), "-o", str(tmp_path / "v.html"), "--color-by", "cluster", "-q", *options])
        == 0
    )
    expected = _csv_clusters(tmp_path / "a" / "clusters.csv")
    drawn = _page_clusters(tmp_path / "v.html")
    assert set(drawn) == set(expected)  # every actor drawn
    assert drawn == expected  # same cluster, under the same (cluster_name) label
    assert (
        len(_partition(drawn))
        == json.loads((tmp_path / "a" / "summary.json").read_text())["clusters"][
            "all"
        ]  # blocs and those alone
    )


def test_viz_seed_changes_what_is_drawn_as_analyze_does(tmp_path):
    """Two seeds whose analyses differ must give pages that differ the same way."""
    runs = {}
    for seed in ("0", "1", "2", "3"):
        main(["analyze", str(DATA), "-o", str(tmp_path / seed), "-q", "--seed", seed, "--restarts", "1"])
        runs[seed] = _partition(_csv_clusters(tmp_path / seed / "clusters.csv"))
    seeds = sorted(runs)
    pair = next(((a, b) for a in seeds for b in seeds if a < b and runs[a] != runs[b]), None)
    if pair is None:
        pytest.skip("Louvain gives the same partition for every seed tried on this data")
    for seed in pair:
        out = tmp_path / f"v{seed}.html"
        main(
            [
                "viz",
                str(DATA),
                "-o",
                str(out),
                "--color-by",
                "cluster",
                "-q",
                "--seed",
                seed,
                "--restarts",
                "1",
            ]
        )
        assert _partition(_page_clusters(out)) == runs[seed]


def test_report_records_seed_and_weight_in_summary_parameters(tmp_path):
    assert (
        main(["report", str(gk.SAMPLE), "-o", str(tmp_path / "r"), "--seed", "3", "--weight", "weight", "-q"])
        == 0
    )
    parameters = json.loads((tmp_path / "r" / "summary.json").read_text())["parameters"]
    assert parameters["seed"] == 3
    assert parameters["weight"] == "weight"


def test_report_parameters_are_those_analyze_records(tmp_path):
    options = ["--seed", "4", "--clusters", "label_propagation", "--restarts", "3", "--threshold", "0.75",
               "--partners", "COOPERATES_WITH", "--types", "MEMBER_OF", "COOPERATES_WITH", "--samples", "9",
               "--exact-threshold", "5", "--resolution", "1", "--engine", "networkx"]  # fmt: skip
    assert main(["analyze", str(gk.SAMPLE), "-o", str(tmp_path / "a"), "-q", *options]) == 0
    assert main(["report", str(gk.SAMPLE), "-o", str(tmp_path / "r"), "-q", *options]) == 0
    analyzed = json.loads((tmp_path / "a" / "summary.json").read_text())
    reported = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert reported["parameters"] == analyzed["parameters"]
    assert reported["parameters"]["threshold"] == 0.75
    assert reported["measures"]["betweenness"].startswith("sampled (9 of 14")  # 14 actors > 5
    assert _csv_clusters(tmp_path / "r" / "clusters.csv") == _csv_clusters(tmp_path / "a" / "clusters.csv")


def _options(command: str) -> set[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return {s for a in sub.choices[command]._actions for s in a.option_strings}


def test_report_takes_every_analyze_option():
    analyze = _options("analyze") - {"-o", "--out"}
    assert analyze - _options("report") == set()
    assert "--restarts" in analyze and "--engine" in analyze  # the comparison is not empty
    assert {"--seed", "--weight", "--clusters", "--network-types"} <= _options("viz")
