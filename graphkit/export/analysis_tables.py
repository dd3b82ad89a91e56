"""Writing an :class:`~graphkit.analysis.Analysis` to a folder: one CSV per table and summary.json."""

from __future__ import annotations

import contextlib
import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from graphkit.errors import OutputError
from graphkit.files import atomic_path, describe_file_type, write_frame_csv

if TYPE_CHECKING:
    from graphkit.analysis import Analysis

__all__ = ["write_analysis"]


def write_analysis(analysis: Analysis, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write every table as CSV and the summary as JSON into ``out_dir``; return the paths.

    Each file is written to a temporary file and moved into place, so a failed run never
    leaves half a file. Only the files named here (``NAME.csv`` per table, ``summary.json``)
    are replaced; every other file in ``out_dir`` is left alone. One of those paths that is
    a symbolic link is written through; one that is a folder, a device or a FIFO is refused
    (:class:`OutputError`). Text cells that a spreadsheet would evaluate (``=``, ``+``,
    ``-``, ``@`` ..., also after a line break inside the cell) are prefixed with ``'``;
    cells holding a line break (CR, LF, U+2028 ...) are quoted; lists are ``;``-separated;
    booleans are ``true``/``false``; NaN is an empty cell.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "analysis"
    >>> paths = gk.write_analysis(gk.analyze(gk.load(gk.SAMPLE)), out)
    >>> sorted(p.name for p in paths)[:3]
    ['alliance_gaps.csv', 'brokerage.csv', 'centrality.csv']
    >>> (out / "clusters.csv").read_text().splitlines()[0]
    'id,name,kind,region,cluster,cluster_name,bloc'
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(
            f"{out}: exists and is not a folder (it is {describe_file_type(out)}); "
            "choose a folder for the analysis"
        )
    created = not out.exists() and not out.is_symlink()
    written = []
    try:
        for stem, df in analysis.tables().items():
            path = out / f"{stem}.csv"
            with atomic_path(path) as tmp:
                write_frame_csv(df, tmp, cell=_cell)
            written.append(path)
        path = out / "summary.json"
        with atomic_path(path) as tmp:
            tmp.write_text(
                json.dumps(_jsonable(analysis.summary), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        written.append(path)
    except OutputError:
        if created:  # a folder made for this run goes again, with what was written into it
            for p in written:
                p.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                out.rmdir()
        raise
    return written


def _cell(v: Any) -> Any:
    """A value as the CSV writer takes it (which neutralises formulas and quotes line breaks)."""
    if isinstance(v, list | tuple):
        return ";".join(str(x) for x in v)
    if isinstance(v, bool | np.bool_):
        return "true" if v else "false"
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
