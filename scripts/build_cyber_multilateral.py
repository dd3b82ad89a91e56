#!/usr/bin/env python3
"""Rebuild data/cyber-multilateral from its curated parts and the installed MISP galaxy.

    python scripts/build_cyber_multilateral.py            # writes data/cyber-multilateral
    python scripts/build_cyber_multilateral.py -o OUT     # somewhere else

The parts, all in data/cyber-multilateral-curated/ unless said otherwise; every optional
part may be absent, so the parts can be added in any order:

=============================  ========  ==================================================
part                           needed?   what
=============================  ========  ==================================================
actors.csv, capabilities.csv,  yes       states, organisations, companies, NGOs, CERTs; the
threats.csv, relationships.csv           capability taxonomy; ``MEMBER_OF`` rows
cooperation_actors.csv         optional  further actors (same columns as actors.csv)
cooperation.csv                optional  ``COOPERATES_WITH`` rows (relationships.csv columns)
scripts/gci_capabilities.py    optional  ``capability_rows(actor_ids)``: ``HAS_CAPABILITY``
                                         rows for states (ITU GCI 2024); it is given the ids
                                         of every actor of kind ``state``
capability_estimates.csv       optional  ``HAS_CAPABILITY`` rows for non-state actors
state_capabilities.csv         optional  ``HAS_CAPABILITY`` rows for states from public records
                                         (attribution statements, sanctions regimes)
attribution_evidence.csv       optional  the ``evidence`` grade of ``ATTRIBUTED_TO`` rows
                                         (threat id, target, basis, evidence,
                                         evidence_source); applied after the import
=============================  ========  ==================================================

Steps:
1. load the parts above, each validated by graphkit's own CSV loader (errors name the
   part's file, line and column); organisations' ``pools`` must name capabilities;
2. import the pymispgalaxies clusters threat-actor, mitre-intrusion-set,
   mitre-course-of-action, mitre-attack-pattern and country, matching victims and
   sponsors against the curated actors (unmatched names are printed);
3. merge curated + imported (curated wins; a conflict is an error);
4. grade every ``ATTRIBUTED_TO`` by evidence (``attribution_evidence.csv``): a listed row
   takes the table's basis, evidence and evidence_source; an unlisted row rests on the
   MISP galaxy alone, so its evidence is ``tracker`` and a ``sponsor`` basis becomes
   ``suspected`` (the unlisted sponsor rows are printed);
5. validate, write the dataset and copy the curated README.md beside it.

The output depends only on the curated files, graphkit's rule files, the installed
pymispgalaxies version and whatever gci_capabilities reads, so two runs give
byte-identical files. Exit status: 0 written, 1 a part is wrong (nothing written).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as _dt
import importlib.util
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphkit import schema  # noqa: E402
from graphkit.errors import GraphkitError  # noqa: E402
from graphkit.export.tables import write_dataset  # noqa: E402
from graphkit.graph import add_node, new_graph, nodes_of, summary, validate  # noqa: E402
from graphkit.loaders import load_dataset  # noqa: E402
from graphkit.loaders.misp import installed_galaxy_path, load_misp_galaxy  # noqa: E402
from graphkit.loaders.values import format_value  # noqa: E402
from graphkit.merge import merge_graphs  # noqa: E402

CLUSTERS = (
    "threat-actor",
    "mitre-intrusion-set",
    "mitre-course-of-action",
    "mitre-attack-pattern",
    "country",
)
COOPERATION_ACTORS = "cooperation_actors.csv"
COOPERATION = "cooperation.csv"
CAPABILITY_ESTIMATES = "capability_estimates.csv"
STATE_CAPABILITIES = "state_capabilities.csv"
ATTRIBUTION_EVIDENCE = "attribution_evidence.csv"
EVIDENCE_GRADES = ("government", "several_governments", "vendor", "tracker")
TRACKER_ONLY = (
    "MISP galaxy threat-actor.json alone (no government attribution recorded in attribution_evidence.csv)"
)
GCI_MODULE = ROOT / "scripts" / "gci_capabilities.py"
_YEAR = re.compile(r"^[0-9]{4}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class PartError(Exception):
    """A curated part is wrong; the message names the file and what to fix."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--curated", default=ROOT / "data" / "cyber-multilateral-curated", type=Path)
    parser.add_argument("-o", "--output", default=ROOT / "data" / "cyber-multilateral", type=Path)
    parser.add_argument(
        "--gci-module",
        default=GCI_MODULE,
        type=Path,
        help="module providing capability_rows(actor_ids) (default: scripts/gci_capabilities.py; skipped when absent)",
    )
    args = parser.parse_args(argv)
    try:
        curated, used = load_curated(args.curated, args.gci_module)
    except (PartError, GraphkitError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("parts: " + ", ".join(used), file=sys.stderr)

    imported = load_misp_galaxy(
        [installed_galaxy_path(c) for c in CLUSTERS], actors=curated, capabilities=curated
    )
    print(imported.report(), file=sys.stderr)
    merged = merge_graphs([curated, imported.graph], names=["curated", "misp-galaxy"])
    for c in merged.conflicts:
        print(f"conflict: {c}", file=sys.stderr)
    if merged.conflicts:
        return 1
    try:
        for line in grade_attributions(merged.graph, args.curated / ATTRIBUTION_EVIDENCE):
            print(line, file=sys.stderr)
    except PartError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    problems = validate(merged.graph)
    if problems:
        print("\n".join(problems[:20]), file=sys.stderr)
        return 1
    try:
        write_dataset(merged.graph, args.output)
    except (ValueError, GraphkitError) as exc:  # a property whose values differ in type between parts
        print(f"error: {exc}; make the column's type the same in every part", file=sys.stderr)
        return 1
    readme = args.curated / "README.md"
    if readme.is_file():
        shutil.copyfile(readme, args.output / "README.md")
    s = summary(merged.graph)
    print(f"wrote {args.output}: {s['nodes']} {s['relationships']}")
    return 0


def load_curated(folder: Path, gci_module: Path | None = None):
    """The curated graph from all parts present, and the list of parts used.

    Raises
    ------
    PartError, GraphkitError
        Naming the part's file, line and column.
    """
    used = [str(folder)]
    G = load_dataset(folder)
    extra = folder / COOPERATION_ACTORS
    if extra.is_file():
        G = _merge_part(G, _load_actor_part(G, extra), extra)
        used.append(COOPERATION_ACTORS)
    check_pools(G, folder / "actors.csv")
    cooperation = folder / COOPERATION
    if cooperation.is_file():
        G = _merge_part(G, _load_relationship_part(G, cooperation), cooperation)
        used.append(COOPERATION)
    if gci_module is not None and gci_module.is_file():
        states = [n for n, d in nodes_of(G, schema.ACTOR) if d.get("kind") == "state"]
        rows = _capability_rows(gci_module, states)
        with tempfile.TemporaryDirectory(prefix="gci-") as tmp:
            path = Path(tmp) / f"{gci_module.stem}.capability_rows.csv"
            _write_rows(rows, path)
            part = _load_relationship_part(G, path, shown=f"{gci_module}: capability_rows()")
        G = _merge_part(G, part, gci_module)
        used.append(f"{gci_module.name} ({len(rows)} rows)")
    estimates = folder / CAPABILITY_ESTIMATES
    if estimates.is_file():
        G = _merge_part(G, _load_relationship_part(G, estimates), estimates)
        used.append(CAPABILITY_ESTIMATES)
    states = folder / STATE_CAPABILITIES
    if states.is_file():
        G = _merge_part(G, _load_relationship_part(G, states), states)
        used.append(STATE_CAPABILITIES)
    return G, used


def grade_attributions(G, table: Path) -> list[str]:
    """Set ``evidence`` (and ``basis``, ``evidence_source``) on every ``ATTRIBUTED_TO`` of ``G``.

    Rows of ``table`` (threat, threat_name, target, basis, evidence, evidence_source) grade
    the relationship threat -> target; a row whose threat or name does not match the graph
    is an error (the galaxy changed: re-check the row). Unlisted relationships rest on the
    galaxy alone: ``evidence`` ``tracker``, and ``sponsor`` becomes ``suspected``. Returns the
    lines to print (the unlisted sponsor rows).
    """
    graded: dict[tuple[str, str], dict[str, str]] = {}
    if table.is_file():
        with table.open(newline="", encoding="utf-8") as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                where = f"{table}:{line}"
                if row["evidence"] not in EVIDENCE_GRADES:
                    raise PartError(
                        f"{where}: column 'evidence': {row['evidence']!r} is not one of {', '.join(EVIDENCE_GRADES)}"
                    )
                if row["basis"] not in schema.ATTRIBUTION_BASES:
                    raise PartError(
                        f"{where}: column 'basis': {row['basis']!r} is not one of {', '.join(schema.ATTRIBUTION_BASES)}"
                    )
                if row["basis"] == "sponsor" and row["evidence"] not in ("government", "several_governments"):
                    raise PartError(
                        f"{where}: basis 'sponsor' needs government evidence; use 'suspected' for {row['evidence']!r}"
                    )
                if not row["evidence_source"].strip():
                    raise PartError(
                        f"{where}: column 'evidence_source' is empty; name the statement, indictment or report"
                    )
                name = G.nodes[row["threat"]].get("name") if row["threat"] in G else None
                if name != row["threat_name"]:
                    raise PartError(
                        f"{where}: threat {row['threat']!r} is {name!r} in the graph, not {row['threat_name']!r}"
                    )
                graded[(row["threat"], row["target"])] = row
    seen: set[tuple[str, str]] = set()
    notes: list[str] = []
    for u, v, d in G.edges(data=True):
        if d.get("type") != "ATTRIBUTED_TO":
            continue
        row = graded.get((u, v))
        if row is not None:
            seen.add((u, v))
            d["basis"], d["evidence"], d["evidence_source"] = (
                row["basis"],
                row["evidence"],
                row["evidence_source"],
            )
            continue
        d["evidence"] = "tracker"
        d["evidence_source"] = TRACKER_ONLY
        if d.get("basis") == "sponsor":
            d["basis"] = "suspected"
            notes.append(
                f"attribution: {G.nodes[u].get('name', u)} -> {v}: sponsor with no graded row, kept as suspected"
            )
    missing = sorted(set(graded) - seen)
    if missing:
        raise PartError(f"{table}: rows match no ATTRIBUTED_TO of the import: {missing[:5]}")
    return notes


def check_pools(G, where: Path) -> None:
    """Every ``pools`` value is ``all``, ``none`` or capability ids of the graph."""
    caps = {n for n, _ in nodes_of(G, schema.CAPABILITY)}
    bad = []
    for n, d in nodes_of(G, schema.ACTOR):
        pools = d.get("pools")
        if pools is None:
            continue
        items = pools if isinstance(pools, list) else str(pools).split(";")
        items = [str(i).strip() for i in items]
        if items in (["all"], ["none"]):
            continue
        wrong = [i for i in items if i not in caps]
        if wrong or not items:
            bad.append(f"{n}: {', '.join(wrong) or 'empty'}")
    if bad:
        raise PartError(
            f"{where}: column 'pools': not 'all', 'none' or capability ids from capabilities.csv: "
            + "; ".join(bad)
        )


def _load_actor_part(G, path: Path):
    """Actors from a file with actors.csv's columns, validated by the dataset loader."""
    with tempfile.TemporaryDirectory(prefix="actors-") as tmp:
        t = Path(tmp)
        shutil.copyfile(path, t / "actors.csv")
        _write_nodes(G, schema.CAPABILITY, t / "capabilities.csv")
        (t / "threats.csv").write_text("id,name\n", encoding="utf-8")
        (t / "relationships.csv").write_text("source,type,target\n", encoding="utf-8")
        return _load(t, {str(t / "actors.csv"): str(path)})


def _load_relationship_part(G, path: Path, shown: str | None = None):
    """Relationships from ``path`` whose ends are nodes of ``G``, validated by the dataset loader."""
    with tempfile.TemporaryDirectory(prefix="part-") as tmp:
        t = Path(tmp)
        _write_nodes(G, schema.ACTOR, t / "actors.csv")
        _write_nodes(G, schema.CAPABILITY, t / "capabilities.csv")
        (t / "threats.csv").write_text("id,name\n", encoding="utf-8")
        shutil.copyfile(path, t / "relationships.csv")
        part = _load(t, {str(t / "relationships.csv"): shown or str(path)})
    _years_and_dates(part, shown or str(path))
    # keep only the relationships: the nodes are G's own
    out = new_graph(path.stem)
    ends = dict.fromkeys(x for e in part.edges() for x in e)  # ordered: the output is reproducible
    for n in ends:
        label, props = _split(part.nodes[n])
        add_node(out, n, label, **props)
    for u, v, d in part.edges(data=True):
        out.add_edge(u, v, **d)
    return out


def _years_and_dates(part, shown: str) -> None:
    """``since``/``until`` are years (int) in every part; a full date moves to ``since_date``/``until_date``.

    A part may write a year (``2016``) or a date (``2016-07-08``); the year stays in
    ``since`` so that one column has one type across the merged parts.
    """
    for u, v, d in part.edges(data=True):
        for key in ("since", "until"):
            value = d.get(key)
            if value is None or isinstance(value, int) and not isinstance(value, bool):
                continue
            if isinstance(value, str) and _YEAR.match(value):
                d[key] = int(value)
                continue
            if isinstance(value, str) and _DATE.match(value):
                with contextlib.suppress(ValueError):  # not a calendar date: refused below
                    value = _dt.date.fromisoformat(value)
            if isinstance(value, _dt.date):
                if d.get(f"{key}_date") not in (None, value):
                    raise PartError(f"{shown}: {u} {d['type']} {v}: {key} {value} differs from {key}_date")
                d[key], d[f"{key}_date"] = value.year, value
                continue
            raise PartError(
                f"{shown}: {u} {d['type']} {v}: {key} {value!r} is neither a year nor a date "
                f"(write 2016 or 2016-07-08)"
            )


def _load(folder: Path, names: Mapping[str, str]):
    try:
        return load_dataset(folder)
    except GraphkitError as exc:
        text = str(exc)
        for tmp, real in names.items():
            text = text.replace(tmp, real)
        text = text.replace(str(folder), "(build)")
        raise PartError(text) from None


def _merge_part(G, part, path: Path):
    merged = merge_graphs([G, part], names=["curated", path.name])
    if merged.conflicts:
        raise PartError(
            f"{path}: disagrees with the curated actors: "
            + "; ".join(str(c) for c in merged.conflicts[:10])
            + " (use the value in actors.csv, or leave the column empty)"
        )
    return merged.graph


def _write_nodes(G, label: str, path: Path) -> None:
    """One node file of ``G`` in the dataset format (typed header where needed)."""
    sub = new_graph("nodes")
    for n, d in nodes_of(G, label):
        add_node(sub, n, label, **_split(d)[1])
    with tempfile.TemporaryDirectory(prefix="nodes-") as tmp:
        write_dataset(sub, Path(tmp) / "ds")
        shutil.copyfile(Path(tmp) / "ds" / f"{schema.NODE_FILES[label]}.csv", path)


def _split(attrs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return attrs["label"], {k: v for k, v in attrs.items() if k != "label"}


def _capability_rows(module_path: Path, actor_ids: list[str]) -> list[dict[str, Any]]:
    spec = importlib.util.spec_from_file_location("gci_capabilities", module_path)
    if spec is None or spec.loader is None:
        raise PartError(f"{module_path}: cannot be imported as a module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fn = getattr(module, "capability_rows", None)
    if not callable(fn):
        raise PartError(f"{module_path}: defines no function capability_rows(actor_ids)")
    rows = list(fn(list(actor_ids)))
    for i, r in enumerate(rows):
        if not isinstance(r, Mapping) or not {"source", "type", "target"} <= set(r):
            raise PartError(
                f"{module_path}: capability_rows() row {i}: not a dict with source, type and target"
            )
    return rows


def _write_rows(rows: Iterable[Mapping[str, Any]], path: Path) -> None:
    rows = list(rows)
    columns: list[str] = []
    for r in rows:
        for k in r:
            if k not in columns:
                columns.append(k)
    if not columns:
        columns = ["source", "type", "target"]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if r.get(c) is None else format_value(r[c]) for c in columns])


if __name__ == "__main__":
    sys.exit(main())
