"""Syntax errors phrased for people: what was expected, in Cypher words, at line:column.
Each case is a broken query with the explanation a reader needs, written by hand."""

from __future__ import annotations

import pytest

import graphkit as gk
from graphkit.errors import QueryError

CASES = [
    ("MATCH (a:Actor RETURN a", "1:16", "'(' opened at line 1, column 7 is not closed: expected ')'"),
    ("MATCH (a:Actor) RETRUN a.id", "1:17", "unknown word 'RETRUN' (did you mean RETURN?)"),
    ("MATHC (a) RETURN a", "1:1", "did you mean MATCH?"),
    ("MATCH (a:Actor) WHERE a.id = RETURN a", "1:", "expected an expression after '='"),
    ("MATCH (a:Actor) RETURN a.id ORDER a.id", "1:35", "expected BY after ORDER"),
    ("MATCH (a:Actor) WHERE a.id IN ['X' RETURN a", "1:", "'[' opened at line 1, column 31 is not closed"),
    ("RETURN 1 +", "", "expected an expression after '+'"),
    ("MATCH (a:Actor) RETURN a.id AS", "", "expected a name after AS"),
]


@pytest.mark.parametrize("text,where,words", CASES)
def test_syntax_error_in_words(tmp_path, text, where, words):
    f = tmp_path / "q.cypher"
    f.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(QueryError) as info:
        gk.run_query(f, gk.SAMPLE, cache_dir=tmp_path / "cache")
    message = str(info.value)
    assert words in message
    assert f"q.cypher:{where}" in message
    assert "oC_" not in message and "rule" not in message
