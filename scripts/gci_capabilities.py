#!/usr/bin/env python3
"""State capability levels from the ITU Global Cybersecurity Index 2024 pillar scores.

    python scripts/gci_capabilities.py            # summary: rows, threshold proximity, states without GCI
    python scripts/gci_capabilities.py --csv      # the HAS_CAPABILITY rows for the curated states, as CSV

A state's level for a capability is a weighted mean of its five GCI 2024 pillar scores
(legal, technical, organizational, capacity development, cooperation; each 0-20),
divided by 20::

    level = sum(weight[p] * pillar[p] for p in pillars) / 20      (weights sum to 1)

The weights, and why each pillar informs each capability, are in
``data/cyber-multilateral-curated/gci_mapping.csv``; a capability with no weights is
not assessed for states (no row). States absent from GCI 2024 get no rows at all, so
they stay *unassessed* in the gap analysis. GCI measures national commitment (laws,
institutions, strategies, training, cooperation), not operational power: the levels
are a documented proxy, and ``CAPABILITIES.md`` says so.

The build script calls :func:`capability_rows` with the actor ids of the dataset;
ids that are not ISO3 codes present in GCI 2024 (organisations, companies, Taiwan)
give no rows.
"""

from __future__ import annotations

import csv
import math
import os
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graphkit.errors import FormatError  # noqa: E402

__all__ = [
    "PILLARS",
    "MAPPING_PATH",
    "INDEX_PATH",
    "SOURCE",
    "ASSESSMENT",
    "capability_rows",
    "read_mapping",
    "read_gci",
    "states_without_gci",
    "near_threshold",
]

PILLARS = ("legal", "technical", "organizational", "capacity_development", "cooperation")
MAPPING_PATH = ROOT / "data" / "cyber-multilateral-curated" / "gci_mapping.csv"
INDEX_PATH = ROOT / "data" / "capability-indices" / "gci_2024_itu_data360.csv"
SOURCE = "ITU Global Cybersecurity Index 2024 (5th edition), via World Bank Data360 ITU_GCI"
PILLAR_MAX = 20.0
#: The ``assessment`` of every row: the gap analysis reads a state with no index row as
#: unrated on these capabilities (no data), not as lacking them.
ASSESSMENT = "ITU Global Cybersecurity Index 2024"
ROW_KEYS = ("source", "type", "target", "level", "source_ref", "assessment")
_PILLAR_NAMES = {
    "legal": "legal",
    "technical": "technical",
    "organizational": "organizational",
    "capacity_development": "capacity development",
    "cooperation": "cooperation",
}


def capability_rows(
    actor_ids: Iterable[str],
    *,
    mapping: str | os.PathLike[str] = MAPPING_PATH,
    index: str | os.PathLike[str] = INDEX_PATH,
) -> list[dict]:
    """``HAS_CAPABILITY`` rows for every actor id that is a state in GCI 2024.

    Parameters
    ----------
    actor_ids
        Actor ids; those equal to an ISO3 code in the index give rows, the rest none.
    mapping, index
        The capability <- pillar weights and the GCI 2024 pillar scores (the project's
        files by default).

    Returns
    -------
    list of dict
        One row per (state, assessed capability), sorted by state then capability, each
        with exactly the keys ``source, type, target, level, source_ref, assessment``
        (``assessment`` is :data:`ASSESSMENT`: the rows of one index rate a state on the
        capabilities it maps, and on nothing else). ``level`` is a
        float in 0..1 rounded to 3 decimals; ``source_ref`` cites the index and names the
        pillars and weights used.

    Raises
    ------
    FormatError
        When the mapping or the index is malformed (file, line and column named).
    """
    weights = read_mapping(mapping)
    scores = read_gci(index)
    wanted = sorted({a for a in actor_ids if a in scores})
    rows = []
    for iso3 in wanted:
        pillars = scores[iso3]
        for cap, w in weights.items():
            level = sum(w[p] * pillars[p] for p in w) / PILLAR_MAX
            rows.append(
                {
                    "source": iso3,
                    "type": "HAS_CAPABILITY",
                    "target": cap,
                    "level": round(min(1.0, max(0.0, level)), 3),
                    "source_ref": _source_ref(w),
                    "assessment": ASSESSMENT,
                }
            )
    return rows


def read_mapping(path: str | os.PathLike[str] = MAPPING_PATH) -> dict[str, dict[str, float]]:
    """``{capability id: {pillar: weight}}`` for the capabilities with weights (file order).

    Every weight is a number in (0, 1]; a capability's weights sum to 1 (within 1e-9),
    or are all empty (not assessed for states).
    """
    path = Path(path)
    out: dict[str, dict[str, float]] = {}
    seen: set[str] = set()
    for line, row in _rows(path, ("capability_id", *PILLARS, "rationale")):
        cap = row["capability_id"].strip()
        if not cap:
            raise FormatError(f"{path}:{line}: column 'capability_id' is empty")
        if cap in seen:
            raise FormatError(f"{path}:{line}: column 'capability_id': {cap!r} appears twice")
        if not row["rationale"].strip():
            raise FormatError(f"{path}:{line}: column 'rationale' is empty: say why the pillars inform {cap}")
        w: dict[str, float] = {}
        for p in PILLARS:
            text = row[p].strip()
            if not text:
                continue
            try:
                x = float(text)
            except ValueError:
                raise FormatError(f"{path}:{line}: column {p!r}: {text!r} is not a number") from None
            if not (0 < x <= 1) or math.isnan(x):
                raise FormatError(
                    f"{path}:{line}: column {p!r}: weight {x} is outside (0, 1]; leave it empty for no weight"
                )
            w[p] = x
        if w and abs(sum(w.values()) - 1) > 1e-9:
            raise FormatError(
                f"{path}:{line}: weights of {cap} sum to {sum(w.values()):g}, not 1; adjust them"
            )
        seen.add(cap)
        if w:
            out[cap] = w
    return out


def read_gci(path: str | os.PathLike[str] = INDEX_PATH) -> dict[str, dict[str, float]]:
    """``{iso3: {pillar: score 0..20}}`` from the GCI 2024 file; rows with an empty pillar are left out."""
    path = Path(path)
    cols = tuple(f"gci2024_{p}" for p in PILLARS)
    out: dict[str, dict[str, float]] = {}
    for line, row in _rows(path, ("iso3", *cols)):
        iso3 = row["iso3"].strip()
        if len(iso3) != 3 or not iso3.isalpha() or not iso3.isupper():
            raise FormatError(f"{path}:{line}: column 'iso3': {iso3!r} is not an ISO 3166 alpha-3 code")
        scores = {}
        for p, c in zip(PILLARS, cols, strict=True):
            text = row[c].strip()
            if not text:
                break
            try:
                x = float(text)
            except ValueError:
                raise FormatError(f"{path}:{line}: column {c!r}: {text!r} is not a number") from None
            if not 0 <= x <= PILLAR_MAX:
                raise FormatError(f"{path}:{line}: column {c!r}: {x} is outside 0..{PILLAR_MAX:g}")
            scores[p] = x
        else:
            out[iso3] = scores
    return out


def states_without_gci(state_ids: Iterable[str], *, index: str | os.PathLike[str] = INDEX_PATH) -> list[str]:
    """The given state ids that have no (complete) GCI 2024 row: they stay unassessed."""
    scores = read_gci(index)
    return sorted({s for s in state_ids if s not in scores})


def near_threshold(rows: Iterable[dict], *, threshold: float | None = None, margin: float = 0.05) -> int:
    """How many rows have ``|level - threshold| <= margin`` (threshold: graphkit's default)."""
    if threshold is None:
        from graphkit.defaults import DEFAULT_THRESHOLD

        threshold = DEFAULT_THRESHOLD
    return sum(1 for r in rows if abs(float(r["level"]) - threshold) <= margin + 1e-12)


def _source_ref(w: dict[str, float]) -> str:
    terms = " + ".join(f"{x:g} x {_PILLAR_NAMES[p]}" for p, x in w.items())
    pillars = ", ".join(_PILLAR_NAMES[p] for p in w)
    return (
        f"{SOURCE}, pillar(s) {pillars}: level = ({terms}) / 20 "
        "(mapping data/cyber-multilateral-curated/gci_mapping.csv); © ITU 2024, redistributed by the "
        "World Bank; a proxy of national commitment, not operational power"
    )


def _rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise FormatError(f"{path}: missing column(s) {', '.join(missing)}")
            return [(n, {k: v or "" for k, v in r.items()}) for n, r in enumerate(reader, start=2)]
    except FileNotFoundError:
        raise FormatError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not UTF-8 text ({exc.reason})") from None


def main(argv: list[str] | None = None) -> int:
    import argparse

    from graphkit.defaults import DEFAULT_THRESHOLD

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--actors", type=Path, default=ROOT / "data" / "cyber-multilateral-curated" / "actors.csv"
    )
    parser.add_argument("--csv", action="store_true", help="write the rows as CSV to standard output")
    args = parser.parse_args(argv)
    try:
        states = [r["id"] for _, r in _rows(args.actors, ("id", "kind")) if r["kind"].strip() == "state"]
        rows = capability_rows(states)
        missing = states_without_gci(states)
    except FormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=ROW_KEYS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return 0
    n_states = len({r["source"] for r in rows})
    held = sum(1 for r in rows if r["level"] >= DEFAULT_THRESHOLD)
    print(f"{len(rows)} HAS_CAPABILITY rows for {n_states} of {len(states)} states")
    print(f"{held} at or above the threshold {DEFAULT_THRESHOLD}")
    print(f"{near_threshold(rows)} within 0.05 of {DEFAULT_THRESHOLD}")
    print(f"states without GCI 2024 data (unassessed): {', '.join(missing) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
