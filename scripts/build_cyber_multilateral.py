#!/usr/bin/env python3
"""Rebuild data/cyber-multilateral from the curated part and the installed MISP galaxy.

    python scripts/build_cyber_multilateral.py            # writes data/cyber-multilateral
    python scripts/build_cyber_multilateral.py -o OUT     # somewhere else

Steps (the same as the CLI would do):
1. load data/cyber-multilateral-curated (actors, capabilities, memberships, cooperation);
2. import the pymispgalaxies clusters threat-actor, mitre-intrusion-set,
   mitre-course-of-action, mitre-attack-pattern and country, matching victims and
   sponsors against the curated actors;
3. merge curated + imported (curated wins; there should be no conflicts);
4. write the dataset and copy the curated README.md beside it.
The output depends only on the curated CSVs, graphkit's rule files and the installed
pymispgalaxies version, so two runs give byte-identical files.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphkit.export.tables import write_dataset  # noqa: E402
from graphkit.graph import summary, validate  # noqa: E402
from graphkit.loaders import load_dataset  # noqa: E402
from graphkit.loaders.misp import installed_galaxy_path, load_misp_galaxy  # noqa: E402
from graphkit.merge import merge_graphs  # noqa: E402

CLUSTERS = (
    "threat-actor",
    "mitre-intrusion-set",
    "mitre-course-of-action",
    "mitre-attack-pattern",
    "country",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--curated", default=ROOT / "data" / "cyber-multilateral-curated", type=Path)
    parser.add_argument("-o", "--output", default=ROOT / "data" / "cyber-multilateral", type=Path)
    args = parser.parse_args(argv)

    curated = load_dataset(args.curated)
    imported = load_misp_galaxy(
        [installed_galaxy_path(c) for c in CLUSTERS], actors=curated, capabilities=curated
    )
    print(imported.report(), file=sys.stderr)
    merged = merge_graphs([curated, imported.graph], names=["curated", "misp-galaxy"])
    for c in merged.conflicts:
        print(f"conflict: {c}", file=sys.stderr)
    problems = validate(merged.graph)
    if problems:
        print("\n".join(problems[:20]), file=sys.stderr)
        return 1
    write_dataset(merged.graph, args.output)
    readme = args.curated / "README.md"
    if readme.is_file():
        shutil.copyfile(readme, args.output / "README.md")
    s = summary(merged.graph)
    print(f"wrote {args.output}: {s['nodes']} {s['relationships']}")
    return 1 if merged.conflicts else 0


if __name__ == "__main__":
    sys.exit(main())
