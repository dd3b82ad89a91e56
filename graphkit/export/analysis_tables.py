"""Writing an :class:`~graphkit.analysis.Analysis` to a folder: one CSV per table and summary.json."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from graphkit.errors import OutputError
from graphkit.export.tables import atomic_path, neutralise_formula

if TYPE_CHECKING:
    from graphkit.analysis import Analysis

__all__ = ["write_analysis"]


def write_analysis(analysis: Analysis, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write every table as CSV and the summary as JSON into ``out_dir``; return the paths.

    Each file is written to a temporary file and moved into place, so a failed run never
    leaves half a file; other files in ``out_dir`` are left alone. Text cells that a
    spreadsheet would evaluate (``=``, ``+``, ``-``, ``@`` ...) are prefixed with ``'``;
    lists are ``;``-separated; booleans are ``true``/``false``; NaN is an empty cell.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "analysis"
    >>> paths = gk.write_analysis(gk.analyze(gk.load(gk.SAMPLE)), out)
    >>> sorted(p.name for p in paths)[:3]
    ['alliance_gaps.csv', 'centrality.csv', 'cluster_summary.csv']
    >>> (out / "clusters.csv").read_text().splitlines()[0]
    'id,name,kind,region,cluster,cluster_name'
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder; choose a folder for the analysis")
    written = []
    for stem, df in analysis.tables().items():
        path = out / f"{stem}.csv"
        with atomic_path(path) as tmp:
            _csv_ready(df).to_csv(tmp, index=False, lineterminator="\n", float_format=None)
        written.append(path)
    path = out / "summary.json"
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(_jsonable(analysis.summary), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    written.append(path)
    return written


def _csv_ready(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == bool:
            out[col] = s.map({True: "true", False: "false"})
        elif s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = s.map(_cell)
    return out


def _cell(v: Any) -> Any:
    if isinstance(v, list | tuple):
        v = ";".join(str(x) for x in v)
    if isinstance(v, bool | np.bool_):
        return "true" if v else "false"
    if isinstance(v, str):
        return neutralise_formula(v)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return v


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v
