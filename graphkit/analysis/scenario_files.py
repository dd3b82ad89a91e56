"""Scenario files and the other ways to give scenarios: CSV (``scenario,change,arg1,...``), YAML (with pyyaml), Python objects."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graphkit.analysis.scenarios import CHANGE_KINDS, Change, Scenario, parse_change
from graphkit.errors import AnalysisError

__all__ = ["load_scenarios", "as_scenarios"]


def load_scenarios(path: str | os.PathLike[str]) -> list[Scenario]:
    """The scenarios of a file: CSV (``scenario,change,arg1,arg2,...``) or YAML (``.yaml``/``.yml``).

    CSV: one change per row, the scenario's name in the first column, the verb in the
    second and its arguments in the columns after (their headers are free; a row of
    ``scenario,change,actor,other,value``); rows of one scenario need not be adjacent, and
    the scenarios keep the order they first appear in. A line whose first cell starts with
    ``#`` is a comment. YAML: a mapping of scenario name to a list of changes, each
    ``{verb: "A:B"}`` or ``{verb: [A, B]}`` (needs pyyaml: ``pip install pyyaml``).

    Raises
    ------
    AnalysisError
        Naming the file and line: a misspelt change, a missing argument, a bad level.
    """
    p = Path(path)
    if not p.is_file():
        from graphkit.suggest import path_hint

        raise AnalysisError(f"scenario file {str(p)!r} does not exist{path_hint(p)}")
    if p.suffix.lower() in (".yaml", ".yml"):
        return _load_yaml(p)
    return _load_csv(p)


def as_scenarios(changes: Any, *, name: str = "scenario") -> list[Scenario]:
    """Scenarios from what :func:`graphkit.analysis.whatif.whatif` accepts: a change, a list
    of changes (one scenario), a :class:`Scenario`, a list of them, a mapping of name to
    changes, or a path to a scenario file."""
    if isinstance(changes, str | os.PathLike):
        return load_scenarios(changes)
    if isinstance(changes, Scenario):
        return [changes]
    if isinstance(changes, Change):
        return [Scenario(name, (changes,))]
    if isinstance(changes, dict):
        return [Scenario(str(k), tuple(_changes_of(v))) for k, v in changes.items()]
    items = list(changes)
    if items and all(isinstance(s, Scenario) for s in items):
        return items
    return [Scenario(name, tuple(_changes_of(items)))]


def _changes_of(items: Any) -> Iterator[Change]:
    for x in [items] if isinstance(items, Change) else items:
        if isinstance(x, Change):
            yield x
        elif isinstance(x, str):
            verb, _, spec = x.strip().lstrip("-").partition(" ")
            yield parse_change(verb, spec)
        elif isinstance(x, tuple | list) and x:
            yield parse_change(str(x[0]), [str(v) for v in x[1:]])
        else:
            raise AnalysisError(f"not a change: {x!r} (give e.g. Leave('ARM', 'CSTO') or 'leave ARM:CSTO')")


def _load_csv(p: Path) -> list[Scenario]:
    scenarios: dict[str, list[Change]] = {}
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnalysisError(f"{p}: cannot read the scenario file ({exc})") from None
    reader = csv.reader(text.splitlines(keepends=True))
    header = None
    for row in reader:
        line = reader.line_num
        if not row or not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [h.strip().lower() for h in row]
            if header[:2] != ["scenario", "change"]:
                raise AnalysisError(
                    f"{p}:{line}: the header must start with scenario,change (then the arguments: "
                    f"scenario,change,arg1,arg2,arg3), not {','.join(row[:3])}"
                )
            continue
        name = row[0].strip()
        if not name:
            raise AnalysisError(
                f"{p}:{line}: column 'scenario' is empty; name the scenario the change belongs to"
            )
        verb = row[1].strip() if len(row) > 1 else ""
        if not verb:
            raise AnalysisError(
                f"{p}:{line}: column 'change' is empty; give one of {', '.join(CHANGE_KINDS)}"
            )
        change = parse_change(verb, row[2:], where=f"{p}:{line}")
        scenarios.setdefault(name, []).append(change)
    if not scenarios:
        raise AnalysisError(
            f"{p}: no scenario in the file (a header scenario,change,arg1,... and one row per change)"
        )
    return [Scenario(n, tuple(cs)) for n, cs in scenarios.items()]


def _load_yaml(p: Path) -> list[Scenario]:
    try:
        import yaml
    except ImportError:
        raise AnalysisError(
            f"{p}: reading YAML scenario files needs pyyaml (pip install 'graphkit[yaml]'), "
            "or write the scenarios as CSV (scenario,change,arg1,arg2,...)"
        ) from None
    try:
        root = yaml.compose(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AnalysisError(f"{p}: cannot read the scenario file as YAML ({exc})") from None
    if root is None or not isinstance(root, yaml.MappingNode):
        raise AnalysisError(f"{p}: a YAML scenario file is a mapping of scenario name to a list of changes")
    out = []
    for key, value in root.value:
        name = str(key.value)
        if not isinstance(value, yaml.SequenceNode):
            raise AnalysisError(f"{p}:{value.start_mark.line + 1}: scenario {name!r}: give a list of changes")
        changes = []
        for item in value.value:
            where = f"{p}:{item.start_mark.line + 1}"
            if isinstance(item, yaml.MappingNode) and len(item.value) == 1:
                verb_node, spec_node = item.value[0]
                spec = (
                    [str(v.value) for v in spec_node.value]
                    if isinstance(spec_node, yaml.SequenceNode)
                    else str(spec_node.value)
                )
                changes.append(parse_change(str(verb_node.value), spec, where=where))
            elif isinstance(item, yaml.ScalarNode):
                verb, _, spec = str(item.value).strip().partition(" ")
                changes.append(parse_change(verb, spec, where=where))
            else:
                raise AnalysisError(f"{where}: a change is `verb: A:B` (e.g. `leave: ARM:CSTO`)")
        out.append(Scenario(name, tuple(changes)))
    return out
