"""``last_confirmed`` is checked like ``since``/``until``: a year or a full date, never in the future."""

from __future__ import annotations

import datetime as dt

import pytest

import graphkit as gk
from graphkit.errors import DatasetError, GraphkitError


def _dataset(tmp_path, rows: str):
    (tmp_path / "actors.csv").write_text("id,name,kind\nA,A,state\nB,B,state\n", encoding="utf-8")
    (tmp_path / "capabilities.csv").write_text("id,name\n", encoding="utf-8")
    (tmp_path / "threats.csv").write_text("id,name\n", encoding="utf-8")
    (tmp_path / "relationships.csv").write_text(
        "source,type,target,since,last_confirmed:string\n" + rows, encoding="utf-8"
    )
    return tmp_path


def test_a_month_or_a_future_year_is_refused_with_file_and_line(tmp_path):
    folder = _dataset(tmp_path, "A,COOPERATES_WITH,B,2019,2023-07\nA,COOPERATES_WITH,B,2018,9999\n")
    with pytest.raises(DatasetError) as info:
        gk.load(folder)
    text = str(info.value)
    assert "relationships.csv:2: column 'last_confirmed'" in text and "'2023-07' is not a date" in text
    assert (
        "relationships.csv:3: column 'last_confirmed'" in text
        and "last_confirmed 9999 is in the future" in text
    )


def test_the_command_says_so_and_exits_non_zero(tmp_path, capsys):
    from graphkit.cli import main

    folder = _dataset(tmp_path, "A,COOPERATES_WITH,B,2019,2023-07\n")
    assert main(["validate", str(folder)]) != 0
    assert "'2023-07' is not a date: write a year (2023) or a date (2023-04-04)" in capsys.readouterr().err


def test_years_and_dates_load(tmp_path):
    G = gk.load(_dataset(tmp_path, "A,COOPERATES_WITH,B,2019,2023\nA,COOPERATES_WITH,B,2018,2024-02-29\n"))
    assert sorted(str(d["last_confirmed"]) for _, _, d in G.edges(data=True)) == ["2023", "2024-02-29"]


def test_a_graph_built_in_code_is_checked_too():
    G = gk.new_graph()
    gk.add_node(G, "A", "Actor", name="A", kind="state")
    gk.add_node(G, "B", "Actor", name="B", kind="state")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(GraphkitError, match="last_confirmed"):
        gk.add_relationship(G, "A", "COOPERATES_WITH", "B", last_confirmed=tomorrow)
