"""Writing what-if results: ``whatif.csv`` (one row per scenario, actor and effect) and ``whatif.json`` (the summaries)."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from graphkit.errors import OutputError
from graphkit.files import atomic_path, describe_file_type, write_frame_csv

__all__ = ["write_whatif", "WHATIF_FILES"]

WHATIF_FILES = ("whatif.csv", "whatif.json")


def write_whatif(result: Any, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``whatif.csv`` and ``whatif.json`` of a :class:`graphkit.analysis.whatif.WhatIf` into ``out_dir``.

    Each file is written whole or not at all (a temporary file moved into place); other
    files in ``out_dir`` stay. Cells a spreadsheet would evaluate are neutralised.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> w = gk.whatif(gk.load(gk.SAMPLE), ["leave DEU:NATO"], as_of="2024-01-01")
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "whatif"
    >>> [p.name for p in write_whatif(w, out)]
    ['whatif.csv', 'whatif.json']
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(
            f"{out}: exists and is not a folder (it is {describe_file_type(out)}); choose a folder for the results"
        )
    written = []
    path = out / "whatif.csv"
    with atomic_path(path) as tmp:
        write_frame_csv(result.effects, tmp, cell=_cell)
    written.append(path)
    path = out / "whatif.json"
    with atomic_path(path) as tmp:
        tmp.write_text(result.to_json() + "\n", encoding="utf-8")
    written.append(path)
    return written


def _cell(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return ";".join(str(x) for x in v)
    if isinstance(v, float) and math.isfinite(v) and v == int(v):
        return int(v)
    return v
