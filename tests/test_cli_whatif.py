"""`graphkit whatif` and `graphkit compare` on the command line: output, files, and one clear error for a bad scenario."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from graphkit.cli import main

DATA = str(Path(__file__).resolve().parents[1] / "data" / "cyber-multilateral")
SAMPLE = str(Path(__file__).resolve().parents[1] / "data" / "sample")


def test_whatif_prints_headlines_and_writes_the_tables(tmp_path, capsys):
    out = tmp_path / "w"
    assert main(["whatif", SAMPLE, "--leave", "DEU:NATO", "--as-of", "2024", "-o", str(out), "-q"]) == 0
    text = capsys.readouterr().out
    assert "== leave DEU:NATO (as of 2024-01-01)" in text
    assert "Germany leaving the North Atlantic Treaty Organization opens 2 of its needs" in text
    effects = pd.read_csv(out / "whatif.csv")
    assert set(effects["scenario"]) == {"leave DEU:NATO"}
    opened = effects[effects["effect"] == "coalition_gap_opened"]
    assert sorted(opened["item_id"]) == ["cap:attribution", "cap:threat_intel"]
    summary = json.loads((out / "whatif.json").read_text())
    assert summary["scenarios"][0]["needs_opened"] == 2


def test_scenario_file_with_several_scenarios(tmp_path, capsys):
    f = tmp_path / "s.csv"
    f.write_text(
        "scenario,change,a,b,c\nout,leave,DEU,NATO\nin,join,CHN,NATO\nin,set_level,CHN,cap:attribution,0.9\n"
    )
    assert main(["whatif", SAMPLE, "--scenarios", str(f), "--as-of", "2024", "--json", "-q"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert [s["name"] for s in summary["scenarios"]] == ["out", "in"]
    assert summary["scenarios"][1]["changes"] == ["join CHN:NATO", "set_level CHN:cap:attribution=0.9"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("ok,leave,DEU,NATO\nbad,leve,DEU,NATO\n", "s.csv:3: unknown change 'leve' (did you mean 'leave'?)"),
        (
            "ok,leave,DEU,NATO\nbad,leave,DEUU,NATO\n",
            "s.csv:3: leave DEUU:NATO: no actor 'DEUU' (did you mean 'DEU'",
        ),
        ("bad,leave,CHN,NATO\n", "s.csv:2: leave CHN:NATO: China (CHN) is not a member of"),
    ],
)
def test_a_bad_scenario_is_one_error_with_file_line_and_suggestion_and_nothing_is_written(
    tmp_path, capsys, rows, expected
):
    f = tmp_path / "s.csv"
    f.write_text("scenario,change,a,b\n" + rows)
    out = tmp_path / "w"
    assert main(["whatif", SAMPLE, "--scenarios", str(f), "--as-of", "2024", "-o", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("graphkit whatif: error: ")
    assert expected in err
    assert not out.exists()


def test_a_bad_change_option_names_the_option(tmp_path, capsys):
    assert main(["whatif", SAMPLE, "--join", "CHN:NATTO", "-q"]) == 2
    err = capsys.readouterr().err
    assert "--join: join CHN:NATTO: no actor 'NATTO' (did you mean 'NATO'?)" in err


def test_no_change_is_an_error(capsys):
    assert main(["whatif", SAMPLE, "-q"]) == 2
    assert "give a change" in capsys.readouterr().err


def test_compare_prints_a_table_and_json(capsys):
    assert main(["compare", SAMPLE, "DEU", "FRA", "--as-of", "2024", "-q"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Germany (DEU, state) and France (FRA, state), as of 2024-01-01")
    assert "Shared organisations (2; member since DEU / FRA): North Atlantic Treaty Organization" in text
    assert "Shortest path (2 steps): DEU -> NATO -> FRA" in text
    assert main(["compare", SAMPLE, "DEU", "FRA", "--as-of", "2024", "--json", "-q"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [o["organisation_id"] for o in data["shared_organisations"]] == ["NATO", "EU"]


def test_compare_unknown_actor_is_one_error(capsys):
    assert main(["compare", SAMPLE, "DEU", "FRAA", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no actor 'FRAA' (did you mean 'FRA'" in err


def test_report_with_scenarios_and_a_comparison(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("scenario,change,a,b\nGermany leaves NATO,leave,DEU,NATO\n")
    out = tmp_path / "r"
    args = ["report", SAMPLE, "-o", str(out), "--scenario", str(f), "--compare", "DEU", "FRA", "--as-of", "2024",
            "--perturb", "0", "-q"]  # fmt: skip
    assert main(args) == 0
    md = (out / "report.md").read_text()
    assert "### What if: Germany leaves NATO" in md
    assert "Germany leaving the North Atlantic Treaty Organization opens 2 of its needs" in md
    assert "## Germany and France side by side" in md
    assert (out / "whatif.csv").is_file() and (out / "whatif.json").is_file()
    assert "whatif.csv" in (out / ".graphkit-report").read_text()


def test_report_with_a_bad_scenario_writes_nothing(tmp_path, capsys):
    f = tmp_path / "s.csv"
    f.write_text("scenario,change,a,b\nbad,leave,DEU,NATTO\n")
    out = tmp_path / "r"
    assert main(["report", SAMPLE, "-o", str(out), "--scenario", str(f), "--as-of", "2024", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "s.csv:2: leave DEU:NATTO: no actor 'NATTO' (did you mean 'NATO'?)" in err
    assert not out.exists()
    assert main(["report", SAMPLE, "-o", str(out), "--compare", "DEU", "FRANCE", "-q"]) == 2
    assert "no actor 'FRANCE'" in capsys.readouterr().err and not out.exists()
