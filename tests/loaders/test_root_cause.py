"""Errors that point at the one real cause: a misspelt required column is reported once,
first, with its fix, and the problems that follow only from it are one summary line;
unknown types and ids get a close match. Expectations are written out by hand."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import graphkit as gk
from graphkit.errors import DatasetError

SAMPLE = Path(gk.SAMPLE)


def _copy(tmp_path: Path) -> Path:
    out = tmp_path / "ds"
    shutil.copytree(SAMPLE, out)
    return out


def _rewrite(path: Path, edit) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


@pytest.mark.parametrize("column,typo", [("kind", "knid"), ("id", "di"), ("name", "nmae")])
def test_misspelt_required_column_is_the_first_and_nearly_only_problem(tmp_path, column, typo):
    ds = _copy(tmp_path)
    _rewrite(ds / "actors.csv", lambda rows: rows[0].__setitem__(rows[0].index(column), typo))
    r = subprocess.run(
        [sys.executable, "-m", "graphkit", "validate", str(ds), "-q"], capture_output=True, text=True
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr
    lines = [line for line in (r.stdout + r.stderr).splitlines() if line.startswith("  ")]
    assert len(lines) <= 5, lines
    assert f"'{typo}'" in lines[0] and f"'{column}'" in lines[0]
    assert f"rename the column '{typo}' to '{column}'" in lines[0]


def test_knock_on_problems_are_counted_in_one_line(tmp_path):
    ds = _copy(tmp_path)
    _rewrite(ds / "actors.csv", lambda rows: rows[0].__setitem__(rows[0].index("kind"), "knid"))
    with (ds / "relationships.csv").open(encoding="utf-8", newline="") as f:
        rels = list(csv.DictReader(f))
    with (ds / "actors.csv").open(encoding="utf-8", newline="") as f:
        actor_ids = {r["id"] for r in csv.DictReader(f)}
    # every relationship end that is an actor id cannot resolve while actors.csv is unreadable
    expected = sum((r["source"] in actor_ids) + (r["target"] in actor_ids) for r in rels)
    with pytest.raises(DatasetError) as info:
        gk.load(ds)
    problems = info.value.problems
    assert len(problems) == 2
    assert f"{expected:,} relationship ids do not resolve" in problems[1].message


def test_unknown_type_and_id_get_a_close_match(tmp_path):
    ds = _copy(tmp_path)

    def edit(rows):
        rows[1][1] = "MEMBER_F"  # type
        rows[2][0] = rows[2][0] + "X"  # source id, one letter off

    _rewrite(ds / "relationships.csv", edit)
    with (ds / "relationships.csv").open(encoding="utf-8", newline="") as f:
        second = list(csv.reader(f))[2][0]
    with pytest.raises(DatasetError) as info:
        gk.load(ds)
    fixes = [p.fix for p in info.value.problems]
    assert "did you mean 'MEMBER_OF'?" in fixes
    assert any(f and f.startswith(f"did you mean '{second[:-1]}'") for f in fixes)
