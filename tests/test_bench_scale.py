"""bench_scale's own helpers: a command that finishes is measured, one that runs past the
limit is stopped (its own process only) and reported unfinished; progress lines are timed."""

from __future__ import annotations

import sys

import pytest

bench_scale = pytest.importorskip("benchmarks.bench_scale")


def test_timed_within_measures_a_finished_command():
    wall, peak, finished = bench_scale.timed_within([sys.executable, "-c", "print(1)"], 60)
    assert finished and wall > 0 and peak > 0


def test_timed_within_stops_a_command_past_its_limit():
    _, _, finished = bench_scale.timed_within([sys.executable, "-c", "import time; time.sleep(60)"], 0.5)
    assert not finished


def test_timed_lines_finds_the_longest_wait_and_the_line_after_it():
    code = "import sys, time; print('a', file=sys.stderr, flush=True); time.sleep(0.3); print('b', file=sys.stderr)"
    wall, peak, longest, before = bench_scale.timed_lines([sys.executable, "-c", code])
    assert longest <= wall and before in ("b", "a", "(the end)")
