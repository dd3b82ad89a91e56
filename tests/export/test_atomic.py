"""atomic_path: outputs appear whole or not at all; leftovers of killed writers go away."""

import os
import subprocess
import sys

import pytest

from graphkit.files import atomic_path


def test_a_folder_is_replaced_whole(tmp_path):
    out = tmp_path / "report"
    with atomic_path(out, folder=True) as t:
        (t / "a.txt").write_text("old")
    with atomic_path(out, folder=True) as t:
        (t / "b.txt").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == ["b.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_a_failure_inside_leaves_the_previous_output(tmp_path):
    out = tmp_path / "data.json"
    out.write_text("previous")
    with pytest.raises(RuntimeError), atomic_path(out) as t:
        t.write_text("half")
        raise RuntimeError("interrupted")
    assert out.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["data.json"]


def test_leftovers_of_dead_writers_are_removed_and_live_ones_kept(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)  # that process has exited
    stale = tmp_path / f".report.tmp-{dead_pid}-x1"
    live = tmp_path / f".report.tmp-{os.getpid()}-x2"  # a writer still running (this one)
    stale.mkdir()
    live.mkdir()
    with atomic_path(tmp_path / "report", folder=True) as t:
        (t / "a.txt").write_text("x")
    assert not stale.exists()
    assert live.exists()
