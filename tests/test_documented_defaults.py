"""Every documented default is its constant: the docs, help texts and query files name
``graphkit.defaults`` values, never a copy that could go stale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graphkit import defaults
from graphkit.cli import build_parser
from graphkit.cypher.queryfile import SHARED_DEFAULTS, parse_query

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _constants() -> dict[str, object]:
    return {k: v for k, v in vars(defaults).items() if k.isupper() and isinstance(v, int | float | str)}


def test_statements_of_a_constant_in_the_docs_give_its_value():
    stated = []
    for doc in DOCS:
        for m in re.finditer(
            r"`?([A-Z][A-Z_]{3,})`?\s*=\s*`?([0-9][0-9_.,]*)", doc.read_text(encoding="utf-8")
        ):
            name, value = m.group(1), m.group(2).rstrip(".,").replace("_", "").replace(",", "")
            if name in _constants():
                stated.append((doc.name, name, float(value), float(_constants()[name])))
    assert stated, "the README states DEFAULT_THRESHOLD's value"
    assert [s for s in stated if s[2] != s[3]] == []


@pytest.mark.parametrize("path", sorted((ROOT / "queries").glob("*.cypher")), ids=lambda p: p.stem)
def test_query_files_name_shared_defaults_instead_of_copying_them(path):
    text = path.read_text(encoding="utf-8")
    q = parse_query(text, file=str(path))
    for p in q.params:
        if p.name in ("min_level", "threshold"):
            assert p.default == defaults.DEFAULT_THRESHOLD
            assert re.search(rf"{p.name} \([a-z]+, default ({'|'.join(SHARED_DEFAULTS)})\)", text), path


def test_help_texts_give_the_constants():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    helps = {name: p.format_help() for name, p in sub.choices.items()}
    assert f"default {defaults.DEFAULT_THRESHOLD}" in re.sub(r"\s+", " ", helps["analyze"])
    for name, text in helps.items():
        for option in re.findall(r"--threshold[^-]*?default ([0-9.]+)", re.sub(r"\s+", " ", text)):
            assert float(option) == defaults.DEFAULT_THRESHOLD, name
