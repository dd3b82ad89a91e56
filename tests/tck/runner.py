"""Run the selected openCypher TCK cases through ``graphkit.query`` and count the outcomes.

Usage::

    PYTHONPATH=. python tests/tck/runner.py [--timeout 20] [--only FOLDER] [--show KIND] [--json OUT] [--empty-graph]

Each case runs in a worker process (restarted after a crash or a timeout) through
``graphkit.query(text, "data/sample", **params)``; with ``--empty-graph`` the scenarios
the TCK gives "an empty graph" run on an empty graph in memory instead. Outcomes: ``equal`` (the TCK's rows),
``refused`` (a QueryError for a query the TCK answers), ``raised`` (an error expected and
a QueryError raised), ``wrong`` (other rows, or rows where an error is expected),
``crash`` (any other exception, or the worker died), ``timeout``; and ``empty-graph``
("needs an empty graph"): a scenario the TCK runs on an empty graph whose answer on
``data/sample`` differs (``MATCH (n) RETURN n`` returns the sample's nodes) and which gives
the TCK's answer when run again on an empty graph in memory. A case that is wrong there
too stays ``wrong``.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

__all__ = ["parse_value", "same_rows", "run_cases", "main", "load_cases", "OUTCOMES"]

HERE = Path(__file__).parent
OUTCOMES = ("equal", "refused", "raised", "wrong", "crash", "timeout", "empty-graph")


class _Reader:
    def __init__(self, s: str) -> None:
        self.s, self.i = s, 0

    def ws(self) -> None:
        while self.i < len(self.s) and self.s[self.i].isspace():
            self.i += 1

    def value(self) -> Any:
        self.ws()
        s, i = self.s, self.i
        c = s[i]
        if c == "'":
            j, out = i + 1, []
            while s[j] != "'":
                if s[j] == "\\":
                    nxt = s[j + 1]
                    out.append({"n": "\n", "t": "\t", "'": "'", "\\": "\\", '"': '"'}.get(nxt, "\\" + nxt))
                    j += 2
                else:
                    out.append(s[j])
                    j += 1
            self.i = j + 1
            return "".join(out)
        if c == "[":
            self.i += 1
            items = []
            self.ws()
            if self.s[self.i] == "]":
                self.i += 1
                return items
            while True:
                items.append(self.value())
                self.ws()
                if self.s[self.i] == ",":
                    self.i += 1
                    continue
                assert self.s[self.i] == "]", self.s
                self.i += 1
                return items
        if c == "{":
            self.i += 1
            out: dict[str, Any] = {}
            self.ws()
            if self.s[self.i] == "}":
                self.i += 1
                return out
            while True:
                self.ws()
                j = self.i
                if self.s[j] == "`":
                    k = self.s.index("`", j + 1)
                    key = self.s[j + 1 : k]
                    self.i = k + 1
                else:
                    while self.s[self.i] not in ":":
                        self.i += 1
                    key = self.s[j : self.i].strip()
                self.ws()
                assert self.s[self.i] == ":", self.s
                self.i += 1
                out[key] = self.value()
                self.ws()
                if self.s[self.i] == ",":
                    self.i += 1
                    continue
                assert self.s[self.i] == "}", self.s
                self.i += 1
                return out
        j = i
        while j < len(s) and s[j] not in ",]}" and not s[j].isspace():
            j += 1
        word = s[i:j]
        self.i = j
        low = word.lower()
        if low == "null":
            return None
        if low == "true":
            return True
        if low == "false":
            return False
        if word in ("NaN",):
            return math.nan
        if word in ("Infinity", "+Infinity"):
            return math.inf
        if word == "-Infinity":
            return -math.inf
        try:
            return int(word)
        except ValueError:
            pass
        return float(word)


def parse_value(text: str) -> Any:
    """A TCK table cell as a Python value (integers and floats kept apart)."""
    r = _Reader(text)
    v = r.value()
    r.ws()
    if r.i != len(text):
        raise ValueError(f"trailing text in TCK value {text!r}")
    return v


def _same(a: Any, b: Any, lists_unordered: bool = False) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return a == b or (math.isfinite(a) and abs(a - b) <= 1e-12 * max(1.0, abs(a)))
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, list) and isinstance(b, list):
        if lists_unordered:
            if len(a) != len(b):
                return False
            left = list(b)
            for x in a:
                k = next((k for k, y in enumerate(left) if _same(x, y, True)), None)
                if k is None:
                    return False
                del left[k]
            return True
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], lists_unordered) for k in a)
    return False


def _plain(v: Any) -> Any:
    """Cells of a DataFrame back to plain Python values."""
    if hasattr(v, "item") and not isinstance(v, list | dict | str):
        v = v.item()
    if isinstance(v, tuple):
        v = list(v)
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, str):
        return str(v)
    return v


def same_rows(
    expected: list[list[Any]], got: list[list[Any]], ordered: bool, lists_unordered: bool = False
) -> bool:
    """Whether two row lists are equal (as lists, or as multisets when not ``ordered``)."""
    if len(expected) != len(got):
        return False

    def row(e: list[Any], g: list[Any]) -> bool:
        return len(e) == len(g) and all(_same(x, y, lists_unordered) for x, y in zip(e, g, strict=True))

    if ordered:
        return all(row(e, g) for e, g in zip(expected, got, strict=True))
    left = list(got)
    for e in expected:
        for k, g in enumerate(left):
            if row(e, g):
                del left[k]
                break
        else:
            return False
    return True


def _classify(case: dict, outcome: tuple[str, Any]) -> tuple[str, str]:
    kind, payload = outcome
    exp = case["expect"]
    if kind == "crash":
        return "crash", payload
    if kind == "error":
        return ("raised" if exp["kind"] == "error" else "refused"), payload
    cols, rows = payload
    if exp["kind"] == "error":
        return "wrong", f"expected {exp['type']} {exp['detail']}, got rows {rows[:3]}"
    if exp["kind"] == "empty":
        return ("equal", "") if not rows else ("wrong", f"expected no rows, got {rows[:3]}")
    want = [[parse_value(c) for c in r] for r in exp["rows"]]
    if cols != exp["columns"]:
        return "wrong", f"columns {cols} != {exp['columns']}"
    if same_rows(want, rows, exp["ordered"], exp.get("lists_unordered", False)):
        return "equal", ""
    return "wrong", f"expected {want[:4]} got {rows[:4]}"


def _worker(conn: Any, dataset: str, empty_graph: bool) -> None:
    import networkx as nx

    import graphkit
    from graphkit.errors import QueryError

    while True:
        case = conn.recv()
        if case is None:
            return
        try:
            params = {k: parse_value(v) for k, v in case["params"].items()}
            empty = (empty_graph or case.get("rerun_empty")) and case.get("graph") == "empty"
            where: Any = nx.MultiDiGraph() if empty else dataset
            df = graphkit.query(case["query"], where, **params)
            rows = [[_plain(v) for v in r] for r in df.itertuples(index=False, name=None)]
            conn.send(("rows", ([str(c) for c in df.columns], rows)))
        except QueryError as e:
            conn.send(("error", str(e)[:400]))
        except BaseException as e:  # noqa: BLE001 - a crash is what is being counted
            conn.send(("crash", f"{type(e).__name__}: {str(e)[:300]}"))


def load_cases(only: str | None = None) -> list[dict]:
    """The stored cases (``tests/tck/scenarios.json``), optionally of one feature folder."""
    cases = json.loads((HERE / "scenarios.json").read_text(encoding="utf-8"))["cases"]
    return [c for c in cases if not only or c["feature"].startswith(only)]


def run_cases(
    cases: list[dict], *, timeout: float = 20.0, dataset: str = "data/sample", empty_graph: bool = False
) -> list[tuple[str, str]]:
    """The outcome and a note for each case, in order.

    Every case runs on ``dataset`` (as the issue's harness does), or, with ``empty_graph``,
    the scenarios the TCK gives "an empty graph" run on an empty graph in memory.
    """
    ctx = mp.get_context("spawn")
    results: list[tuple[str, str]] = []
    proc = conn = None
    for case in cases:
        if proc is None:
            conn, child = ctx.Pipe()
            proc = ctx.Process(target=_worker, args=(child, dataset, empty_graph), daemon=True)
            proc.start()
        conn.send(case)
        if conn.poll(timeout):
            try:
                outcome = conn.recv()
            except EOFError:
                outcome = ("crash", f"worker died (exit {proc.exitcode})")
            res = _classify(case, outcome) if outcome[0] != "crash" else ("crash", outcome[1])
        else:
            res = (
                ("timeout", f"past {timeout} s")
                if proc.is_alive()
                else ("crash", f"worker died (exit {proc.exitcode})")
            )
        if res[0] in ("timeout", "crash") and not proc.is_alive() or res[0] == "timeout":
            proc.kill()
            proc.join()
            proc = None
        elif res[0] == "wrong" and not empty_graph and case.get("graph") == "empty":
            # the TCK's answer is for an empty graph: run it on one before calling it wrong
            conn.send({**case, "rerun_empty": True})
            again = conn.recv() if conn.poll(timeout) else ("crash", "no answer")
            if again[0] != "crash" and _classify(case, again)[0] == "equal":
                res = ("empty-graph", "the TCK's answer on an empty graph; on the dataset: " + res[1])
        results.append(res)
    if proc is not None:
        conn.send(None)
        proc.join(5)
    return results


def summary(cases: list[dict], results: list[tuple[str, str]]) -> str:
    """Counts per feature folder and in total, as a text table."""
    by: dict[str, Counter] = defaultdict(Counter)
    for c, (o, _) in zip(cases, results, strict=True):
        by["/".join(c["feature"].split("/")[:2])][o] += 1
        by["TOTAL"][o] += 1
    lines = [f"{'folder':<32}" + "".join(f"{o:>12}" for o in OUTCOMES)]
    for k in sorted(by, key=lambda k: (k == "TOTAL", k)):
        lines.append(f"{k:<32}" + "".join(f"{by[k][o]:>12}" for o in OUTCOMES))
    lines.append(
        "empty-graph: needs an empty graph (the TCK's answer assumes one; equal when run on an empty graph)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--only")
    ap.add_argument("--show", action="append", default=[])
    ap.add_argument("--json")
    ap.add_argument(
        "--empty-graph", action="store_true", help='run "Given an empty graph" scenarios on an empty graph'
    )
    a = ap.parse_args(argv)
    cases = load_cases(a.only)
    t = time.monotonic()
    results = run_cases(cases, timeout=a.timeout, empty_graph=a.empty_graph)
    for c, (o, note) in zip(cases, results, strict=True):
        if o in a.show:
            print(f"--- {o} {c['feature']} {c['scenario']} #{c['example']}\n{c['query']}\n  {note}")
    print(summary(cases, results))
    print(f"{len(cases)} cases in {time.monotonic() - t:.0f} s")
    if a.json:
        Path(a.json).write_text(
            json.dumps(
                [
                    [c["feature"], c["scenario"], c["example"], o, n]
                    for c, (o, n) in zip(cases, results, strict=True)
                ],
                indent=0,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
