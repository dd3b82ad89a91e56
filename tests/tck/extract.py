"""Select and expand the openCypher TCK scenarios that need no graph content (run once, by hand).

Usage: ``python tests/tck/extract.py GIT_DIR COMMIT`` writes ``tests/tck/scenarios.json``.

Selection (the rule of issue 30): no ``having executed`` set-up and no control query, no
procedure, read-only (no side effects step other than ``no side effects``, no updating
clause), and no node, relationship or path in an expected result. Scenario outlines are
expanded, one case per row of their ``Examples``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

__all__ = ["scenarios", "main"]

_UPDATING = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DETACH)\b", re.I)
_ENTITY = re.compile(r"^\s*[(<\[]\s*[(:]|^\s*\(|<\(|\)-|-\(")


def _steps(lines: list[str], i: int) -> tuple[list[dict], int]:
    steps: list[dict] = []
    while i < len(lines):
        s = lines[i].strip()
        if s.startswith(("Scenario", "Examples")) or s.startswith("@"):
            break
        m = re.match(r"(Given|When|Then|And|But)\s+(.*)", s)
        if m:
            step = {"text": m.group(2).strip(), "doc": None, "table": []}
            i += 1
            while i < len(lines) and lines[i].strip() == "":
                i += 1
            if i < len(lines) and lines[i].strip() == '"""':
                indent = lines[i].index('"""')
                i += 1
                doc = []
                while lines[i].strip() != '"""':
                    doc.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i].lstrip())
                    i += 1
                i += 1
                step["doc"] = "\n".join(doc)
            while i < len(lines) and lines[i].strip().startswith("|"):
                step["table"].append(_cells(lines[i]))
                i += 1
            steps.append(step)
            continue
        i += 1
    return steps, i


def _cells(line: str) -> list[str]:
    s = line.strip()
    assert s.startswith("|") and s.endswith("|"), line
    cells, cur, j = [], "", 1
    while j < len(s) - 1:
        c = s[j]
        if c == "\\" and j + 1 < len(s) - 1 and s[j + 1] in "|\\":
            cur += s[j + 1]
            j += 2
            continue
        if c == "|":
            cells.append(cur.strip())
            cur = ""
        else:
            cur += c
        j += 1
    cells.append(cur.strip())
    return cells


def scenarios(path: str, text: str) -> list[dict]:
    """The expanded cases of one feature file."""
    lines = text.splitlines()
    out: list[dict] = []
    background: list[dict] = []
    i = 0
    while i < len(lines):
        s = lines[i].strip()
        if s.startswith("Background:"):
            background, i = _steps(lines, i + 1)
            continue
        if s.startswith(("Scenario:", "Scenario Outline:")):
            name = s.split(":", 1)[1].strip()
            steps, i = _steps(lines, i + 1)
            steps = background + steps
            examples: list[list[str]] = []
            while i < len(lines) and not lines[i].strip().startswith(("Scenario", "@")):
                if lines[i].strip().startswith("Examples"):
                    i += 1
                    while i < len(lines) and (lines[i].strip().startswith("|") or not lines[i].strip()):
                        if lines[i].strip():
                            examples.append(_cells(lines[i]))
                        i += 1
                    continue
                i += 1
            if examples:
                head = examples[0]
                for n, row in enumerate(examples[1:], 1):
                    sub = dict(zip(head, row, strict=True))
                    out.append(_case(path, name, n, steps, sub))
            else:
                out.append(_case(path, name, 0, steps, {}))
            continue
        i += 1
    return out


def _subst(s: str, sub: dict[str, str]) -> str:
    for k, v in sub.items():
        s = s.replace(f"<{k}>", v)
    return s


def _case(path: str, name: str, n: int, steps: list[dict], sub: dict[str, str]) -> dict:
    case: dict = {
        "feature": path,
        "scenario": _subst(name, sub),
        "example": n,
        "graph": None,
        "query": None,
        "params": {},
        "expect": None,
        "skip": None,
    }
    for st in steps:
        t = _subst(st["text"], sub)
        doc = _subst(st["doc"], sub) if st["doc"] is not None else None
        table = [[_subst(c, sub) for c in r] for r in st["table"]]
        if t in ("an empty graph", "any graph"):
            case["graph"] = "empty" if t == "an empty graph" else "any"
        elif (
            t.startswith("having executed")
            or t.startswith("executing control query")
            or "procedure" in t
            or t.startswith("the binary")
        ):
            case["skip"] = t
        elif t.startswith("parameters are"):
            case["params"] = {r[0]: r[1] for r in table}
        elif t.startswith("executing query"):
            case["query"] = doc
        elif t.startswith("the result should be empty"):
            case["expect"] = {"kind": "empty"}
        elif t.startswith("the result should be"):
            case["expect"] = {
                "kind": "rows",
                "ordered": "in order" in t,
                "columns": table[0],
                "rows": table[1:],
                "lists_unordered": "ignoring element order for lists" in t,
            }
        elif t.startswith("a ") and "should be raised" in t:
            m = re.match(r"an? (\w+) should be raised at ([\w ]+?):? *(\S*)$", t)
            case["expect"] = {"kind": "error", "type": m.group(1), "phase": m.group(2), "detail": m.group(3)}
        elif t.startswith("the side effects should be"):
            case["skip"] = "side effects"
    return case


def selected(case: dict) -> bool:
    if case["skip"] or case["query"] is None or case["expect"] is None:
        return False
    if _UPDATING.search(case["query"]):
        return False
    if case["expect"]["kind"] == "rows":
        for row in case["expect"]["rows"]:
            for cell in row:
                if re.search(r"^\(|^<\(|^\[:|[\[,]\s*\(|\(\s*:|\)-|-\(|^<", cell):
                    return False
    return True


def main(argv: list[str]) -> int:
    git_dir, commit = argv[1], argv[2]
    names = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "-r", "--name-only", commit, "tck/features"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    cases = []
    for p in sorted(names):
        if not p.endswith(".feature"):
            continue
        text = subprocess.run(
            ["git", "--git-dir", git_dir, "show", f"{commit}:{p}"], check=True, capture_output=True, text=True
        ).stdout
        cases += [c for c in scenarios(p[len("tck/features/") :], text) if selected(c)]
    for c in cases:
        del c["skip"]
    out = Path(__file__).with_name("scenarios.json")
    out.write_text(
        json.dumps(
            {
                "source": "https://github.com/opencypher/openCypher",
                "commit": commit,
                "licence": "Apache-2.0",
                "cases": cases,
            },
            indent=0,
            ensure_ascii=False,
        )
        + "\n"
    )
    kinds = {}
    for c in cases:
        k = c["expect"]["kind"]
        kinds[k] = kinds.get(k, 0) + 1
    print(len(cases), kinds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
