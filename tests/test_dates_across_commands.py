"""query, info and report read the same network date by default: today."""

from __future__ import annotations

import json

from graphkit.cli import main

BUNDLED = "data/cyber-multilateral"


def _eu_members(capsys, *extra: str) -> set[str]:
    argv = ["query", "members_of_alliance", BUNDLED, "--param", "alliance=EU", "--format", "json", *extra]
    assert main(argv) == 0
    return {row["id"] for row in json.loads(capsys.readouterr().out)}


def test_query_counts_the_eu_of_today_and_the_whole_history_on_request(capsys):
    today = _eu_members(capsys)
    assert len(today) == 27  # the European Union's member states since 1 February 2020
    assert "GBR" not in today
    history = _eu_members(capsys, "--as-of", "all")
    assert "GBR" in history and today < history


def test_info_and_query_agree_on_the_date(capsys):
    assert main(["info", BUNDLED, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["time"]["as_of"] not in (None, "all")
