"""Writing an :class:`~graphkit.analysis.Alignment` to a folder: alignment.csv, positions.csv and friends."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from graphkit.errors import OutputError
from graphkit.files import atomic_path, describe_file_type, write_frame_csv

if TYPE_CHECKING:
    import pandas as pd

    from graphkit.analysis import Alignment

__all__ = ["write_alignment", "alignment_tables"]


def alignment_tables(al: Alignment) -> dict[str, pd.DataFrame]:
    """The tables of an alignment by file stem: ``alignment`` (pairs, with ``n_shared``),
    ``positions`` (per state: axis, camp, swing), ``camps``, ``shifts`` (the norms' years),
    and, with General Assembly votes, ``general_alignment``, ``general_positions``,
    ``general_camps`` and ``general_shifts`` (between the periods)."""
    out = {"alignment": al.pairs, "positions": al.states, "camps": al.camps, "shifts": al.norm_shifts}
    if al.general_pairs is not None and al.general_states is not None and al.general_camps is not None:
        out.update(
            general_alignment=al.general_pairs,
            general_positions=al.general_states,
            general_camps=al.general_camps,
            general_shifts=al.shifts,
        )
    return out


def write_alignment(al: Alignment, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write every table of ``al`` as CSV into ``out_dir`` (each file atomically); return the paths.

    Only the files named by :func:`alignment_tables` are replaced; lists are ``;``-separated,
    booleans ``true``/``false``, NaN an empty cell, and text a spreadsheet would evaluate is
    neutralised.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(
            f"{out}: exists and is not a folder (it is {describe_file_type(out)}); choose a folder"
        )
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, df in alignment_tables(al).items():
        path = out / f"{stem}.csv"
        with atomic_path(path) as tmp:
            write_frame_csv(df, tmp, cell=_cell)
        written.append(path)
    return written


def _cell(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return ";".join(str(x) for x in v)
    if isinstance(v, bool | np.bool_):
        return "true" if v else "false"
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return v
