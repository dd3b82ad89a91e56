"""graphkit report's default number of stability runs adapts to the network's size and says so."""

from __future__ import annotations

import contextlib

import graphkit as gk
from graphkit.cli import common
from graphkit.cli import report as report_cli


def test_default_runs_by_size():
    # 20 up to 2,000 actors, then in proportion (20 * 2,000 / n), never below 3
    assert [common.report_perturb(n) for n in (1, 278, 2_000, 2_001, 4_000, 8_000, 10_000, 13_000, 100_000)] == [
        20, 20, 20, 20, 10, 5, 4, 3, 3,
    ]  # fmt: skip


def _run(monkeypatch, tmp_path, capsys, argv):
    seen = {}

    def fake_analysis(G, args, pr):
        seen["perturb"] = args.perturb
        raise SystemExit(0)  # stop before the report is written

    monkeypatch.setattr(report_cli, "run_analysis", fake_analysis)
    from graphkit.cli import main

    with contextlib.suppress(SystemExit):
        main(["report", str(gk.SAMPLE), "-o", str(tmp_path / "r"), *argv])
    return seen.get("perturb"), capsys.readouterr().err


def test_report_default_adapts_and_says_so(monkeypatch, tmp_path, capsys):
    actors = sum(1 for _, label in gk.load(gk.SAMPLE).nodes(data="label") if label == "Actor")
    perturb, err = _run(monkeypatch, tmp_path, capsys, [])
    assert perturb == 20 and "perturbed runs" not in err  # small network: the usual 20, nothing to say
    monkeypatch.setattr(report_cli, "REPORT_PERTURB_ACTORS", 2)
    monkeypatch.setattr(common, "REPORT_PERTURB_ACTORS", 2)
    perturb, err = _run(monkeypatch, tmp_path, capsys, [])
    assert perturb == max(3, round(20 * 2 / actors))
    assert f"stability: {perturb} perturbed runs, the default for {actors:,} actors" in err
    assert "--perturb N to choose" in err
    perturb, err = _run(monkeypatch, tmp_path, capsys, ["--perturb", "7"])
    assert perturb == 7 and "perturbed runs" not in err
