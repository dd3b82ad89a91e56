"""Low-level file helpers every layer may use: safe output paths, atomic writes, formula-safe CSV.

Nothing here imports the rest of graphkit except :mod:`graphkit.errors`.

The output rules every writer follows (SECURITY.md, "Output"):

- A file output is written to a temporary file beside it and moved into place. A path that
  is a symbolic link is written *through*: the file the link names is replaced and the link
  stays. A path that exists and is not a regular file (a folder, a device such as
  ``/dev/null``, a FIFO, a socket) is refused: graphkit never replaces it.
- A dataset folder that exists gets only its four CSV files replaced (:func:`replace_files`);
  everything else in it (notes, a ``.git/``, a report written inside it) stays. A folder
  that holds no dataset and is not empty is refused.
- A report folder replaces an existing folder only when everything in it is a file graphkit
  wrote there (its marker lists them); a folder holding anything else (notes, a dataset
  written inside it) is refused and left untouched.
- A folder output that is a symbolic link is refused (graphkit never replaces, or writes
  into, the folder a link points to).
- A failure while writing (a full disk) raises :class:`~graphkit.errors.OutputError` and
  leaves no partial output: the temporary file or folder is removed.
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graphkit.errors import OutputError

__all__ = [
    "atomic_path",
    "check_output_file",
    "check_output_folder",
    "folder_entries",
    "replace_files",
    "describe_file_type",
    "neutralise_formula",
    "csv_row",
    "write_csv",
    "write_frame_csv",
    "FORMULA_PREFIXES",
    "LINE_BREAKS",
    "BIDI_CONTROLS",
    "isolate_bidi",
    "escape_terminal",
    "display_path",
]

#: First characters that make a spreadsheet evaluate a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_ESCAPE = "'"

#: Every character that some reader (a spreadsheet, Python's ``str.splitlines``, a CSV
#: parser) takes as the end of a line: CR, LF, VT, FF, the file/group/record separators,
#: NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029).
LINE_BREAKS = "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_NEEDS_QUOTES = frozenset(',"' + LINE_BREAKS)
_SPECIAL = re.compile("[" + re.escape(',"' + LINE_BREAKS) + "]")
# A formula start right after a line break: what a reader that splits the cell would see.
_INNER_FORMULA = re.compile(f"(?<=[{re.escape(LINE_BREAKS)}])(?=[=+\\-@\\t])")

#: Unicode bidirectional formatting characters (embeddings, overrides, isolates, marks).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = frozenset(BIDI_CONTROLS)
_FSI, _PDI = "\u2068", "\u2069"


def neutralise_formula(text: str, *, lines: bool = False) -> str:
    """Text that a spreadsheet shows as written instead of evaluating it (``'`` prefix).

    With ``lines=True``, every line inside the text that starts like a formula (after a CR,
    LF or any other of :data:`LINE_BREAKS`) gets a ``'`` too, for readers that split a cell
    at a line break.

    Examples
    --------
    >>> neutralise_formula("=1+1"), neutralise_formula("NATO")
    ("'=1+1", 'NATO')
    >>> neutralise_formula("a\\r=cmd|' /C calc'!A0", lines=True)
    "a\\r'=cmd|' /C calc'!A0"
    """
    if text.startswith(FORMULA_PREFIXES + (_ESCAPE,)):
        text = _ESCAPE + text
    if lines and any(c in _NEEDS_QUOTES for c in text):
        text = _INNER_FORMULA.sub(_ESCAPE, text)
    return text


def csv_row(cells: Iterable[Any], *, neutralise: bool = True, lines: bool = True) -> str:
    """One CSV record (without its line end): the one CSV writer of graphkit.

    A cell is quoted when it holds a comma, a quote or any of :data:`LINE_BREAKS` (Python's
    ``csv`` module quotes only the characters of its own line terminator, so a lone CR or a
    U+2028 went out bare and a reader split the row there). ``None`` and NaN are empty
    cells; booleans are ``true``/``false``; other values are ``str()``. Text cells are passed
    through :func:`neutralise_formula` (``lines`` as there) unless ``neutralise`` is False.

    Examples
    --------
    >>> csv_row(["NATO", "a\\u2028=1+1", None, 3, 0.5, True])
    'NATO,"a\\u2028\\'=1+1",,3,0.5,true'
    """
    out = [_cell_csv(v, neutralise=neutralise, lines=lines) for v in cells]
    if len(out) == 1 and out[0] == "":
        return '""'  # a record of one empty cell, told apart from a blank line
    return ",".join(out)


def write_csv(
    f: Any,
    header: Iterable[Any],
    rows: Iterable[Iterable[Any]],
    *,
    neutralise: bool = True,
    lines: bool = True,
    lineterminator: str = "\n",
) -> None:
    """Write ``header`` and ``rows`` to the text stream ``f`` with :func:`csv_row`."""
    f.write(csv_row(header, neutralise=neutralise, lines=lines) + lineterminator)
    for row in rows:
        f.write(csv_row(row, neutralise=neutralise, lines=lines) + lineterminator)


def write_frame_csv(
    df: Any, path: str | os.PathLike[str], *, cell: Callable[[Any], Any] | None = None
) -> None:
    """Write a pandas DataFrame (no index) to ``path`` as :func:`write_csv` would.

    ``cell`` maps every value of an object column first (lists to ``;``-text, for
    instance); it must leave text and whole numbers as they are and map a missing value to
    a missing or empty one, since columns of pandas' string and nullable integer dtypes
    (text, whole numbers, missing values) do not pass through it. Plain numeric and boolean
    columns, those dtypes, and a text column with no formula start and nothing to quote are
    turned into text a column at a time (numbers are never formulas and never need quotes):
    the same bytes, several times faster.
    """
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(csv_row([str(c) for c in df.columns]) + "\n")
        if not len(df.columns):
            f.write("\n" * len(df))
            return
        for start in range(0, len(df), FRAME_ROWS_AT_ONCE):
            columns = _frame_cells(df.iloc[start : start + FRAME_ROWS_AT_ONCE], cell)
            f.writelines(",".join(row) + "\n" for row in zip(*columns, strict=True))


FRAME_ROWS_AT_ONCE = 5_000
"""Rows of a DataFrame turned into text at a time by :func:`write_frame_csv` (the texts of a
100,000-row table of 21 columns would take ~150 MB at once)."""


def _frame_cells(df: Any, cell: Callable[[Any], Any] | None) -> list[list[str]]:
    """The CSV cells of ``df`` (at least one column), a list per column."""
    import numpy as np

    columns: list[list[str]] = []
    for name in df.columns:
        col = df[name]
        kind = col.dtype.kind if isinstance(col.dtype, np.dtype) else "O"
        if kind == "f":
            cells = list(map(repr, col.tolist()))
            for i in np.flatnonzero(np.isnan(col.to_numpy())).tolist():
                cells[i] = ""  # NaN: an empty cell
            columns.append(cells)
        elif kind in "iu":
            columns.append(list(map(str, col.tolist())))
        elif kind == "b":
            columns.append(["true" if x else "false" for x in col.tolist()])
        else:
            columns.append(_text_column(col, cell))
    if len(columns) == 1:
        columns[0] = [c or '""' for c in columns[0]]  # a record of one empty cell
    return columns


def _text_column(col: Any, conv: Callable[[Any], Any] | None) -> list[str]:
    """The cells of a text (object) column: a plain text (no formula start, nothing to
    quote) is its own cell; anything else goes through :func:`_cell_csv`. The same text as
    :func:`_cell_csv` on every value, without its checks character by character."""
    at_once = _typed_column(col)
    if at_once is not None:
        return at_once
    start = FORMULA_PREFIXES + (_ESCAPE,)
    special = _SPECIAL.search
    out = []
    for v in col.tolist():
        if conv is not None:
            v = conv(v)
        if type(v) is str and not v.startswith(start) and special(v) is None:
            out.append(v)
        elif v is None or (type(v) is float and v != v):
            out.append("")  # a missing value: an empty cell, as _cell_csv writes it
        elif type(v) is int:
            out.append(str(v))  # digits and a sign: never a formula, never quoted
        elif type(v) is float:
            out.append(repr(v))
        else:
            out.append(_cell_csv(v))
    return out


# A formula start (or the escape) at the start of a cell of texts joined by NUL.
_JOINED_START = re.compile("(?:^|\x00)[" + re.escape("".join(FORMULA_PREFIXES) + _ESCAPE) + "]")


def _typed_column(col: Any) -> list[str] | None:
    """The cells of a pandas string column whose texts are all plain (no formula start,
    nothing to quote: checked once on the texts joined by NUL, where a NUL inside a text can
    only make the check fail) or of a nullable integer column, at once; None for any
    other column. A missing value is an empty cell, as :func:`_cell_csv` writes it."""
    import numpy as np
    import pandas as pd

    dtype = col.dtype
    if isinstance(dtype, pd.StringDtype):
        texts = col.to_numpy(dtype=object, na_value="").tolist()
        try:
            joined = "\x00".join(texts)
        except TypeError:  # not every value is a text
            return None
        if _SPECIAL.search(joined) is None and _JOINED_START.search(joined) is None:
            return texts
        return None
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and pd.api.types.is_integer_dtype(dtype):
        missing = col.isna().to_numpy()
        numbers = col.to_numpy(dtype=np.dtype(dtype.numpy_dtype), na_value=0).tolist()
        cells = [str(x) for x in numbers]
        for i in np.flatnonzero(missing).tolist():
            cells[i] = ""
        return cells
    return None


def _cell_csv(v: Any, *, neutralise: bool = True, lines: bool = True) -> str:
    """One cell of :func:`csv_row`: its text, neutralised and quoted."""
    s = _cell_text(v)
    if neutralise and isinstance(v, str):
        s = neutralise_formula(s, lines=lines)
    if any(c in _NEEDS_QUOTES for c in s):
        s = '"' + s.replace('"', '""') + '"'
    return s


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return "true" if v else "false"
    if isinstance(v, float) or type(v).__name__.startswith("float"):
        f = float(v)
        return "" if math.isnan(f) else repr(f)
    if type(v).__name__ in ("NAType", "NaTType"):
        return ""
    return str(v)


# ---- text shown to people -------------------------------------------------------------------


def isolate_bidi(text: str) -> str:
    """``text`` wrapped in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE when it holds a
    bidirectional control, so that a U+202E (RIGHT-TO-LEFT OVERRIDE) in a name cannot
    reverse the text around it; other text is returned as it is.

    Examples
    --------
    >>> isolate_bidi("NATO")
    'NATO'
    >>> isolate_bidi("evil\\u202eexe.txt") == "\\u2068evil\\u202eexe.txt\\u2069"
    True
    """
    if not any(c in _BIDI for c in text):
        return text
    return _FSI + text + _PDI


def escape_terminal(text: str) -> str:
    """``text`` with every character a terminal would act on shown as an escape.

    C0 controls (``\\r`` ``\\t`` ``\\x1b`` ...), DEL, C1 controls (``\\x85`` ``\\x9b`` ...),
    U+2028/U+2029 and the bidirectional controls become ``\\r``, ``\\x85``, ``\\u202e``:
    a name cannot move the cursor, rewrite a line or reverse the table around it.

    Examples
    --------
    >>> print(escape_terminal("NATO\\r=evil\\x85\\u202e"))
    NATO\\r=evil\\x85\\u202e
    """
    if text.isprintable() and not any(c in _BIDI for c in text):
        return text
    out = []
    for c in text:
        o = ord(c)
        if c == "\\":
            out.append(c)
        elif o < 0x20 or 0x7F <= o < 0xA0 or c in "\u2028\u2029" or c in _BIDI:
            out.append(repr(c)[1:-1] if o < 0x100 else f"\\u{o:04x}")
        else:
            out.append(c)
    return "".join(out)


def display_path(path: Any) -> str:
    """A path as text that can be written anywhere (UTF-8 files, JSON, HTML): bytes that are
    not UTF-8 become ``\\xNN``; other characters stay as they are.

    Examples
    --------
    >>> display_path("data/caf\\udce9")
    'data/caf\\\\xe9'
    """
    text = os.fspath(path) if isinstance(path, os.PathLike) else str(path)
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        return text
    return "".join(
        f"\\x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF
        else (f"\\u{ord(c):04x}" if 0xD800 <= ord(c) <= 0xDFFF else c)
        for c in text
    )  # fmt: skip


# ---- output paths -----------------------------------------------------------------------------


def check_output_file(path: str | os.PathLike[str]) -> Path:
    """The path a file output really writes: ``path``, or the file a symbolic link names.

    Raises :class:`OutputError` when ``path`` (or the link's target) exists and is not a
    regular file: a folder, a character or block device (``/dev/null``), a FIFO or a socket
    is never replaced.
    """
    path = Path(path)
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        st = os.stat(real)
    except FileNotFoundError:
        return real
    except OSError as exc:
        raise OutputError(f"{path}: cannot check the output path ({exc.strerror})") from None
    if stat.S_ISREG(st.st_mode):
        return real
    what = _file_type(st.st_mode)
    raise OutputError(
        f"{path}: exists and is {what}, not a regular file; graphkit writes only regular files "
        "and never replaces anything else — choose a file path"
    )


def folder_entries(path: Path) -> list[str]:
    """Every entry under ``path`` (files, folders, links), relative, ``/``-separated, sorted."""
    out = []
    for root, dirs, files in os.walk(path, followlinks=False):
        rel = Path(root).relative_to(path)
        for name in dirs + files:
            out.append((rel / name).as_posix())
    return sorted(out)


def check_output_folder(path: str | os.PathLike[str], owned: Callable[[str], bool], *, what: str) -> None:
    """Raise :class:`OutputError` unless ``path`` is free, an empty folder, or a folder that
    holds only entries graphkit writes there (``owned(relative_path)`` is true for each).

    ``what`` names the output ("dataset", "report") in the message.
    """
    path = Path(path)
    if path.is_symlink():
        raise OutputError(
            f"{path}: is a symbolic link; graphkit does not replace a link or the folder it points to "
            "— give the folder's own path, or a new one"
        )
    if not path.exists():
        return
    if not path.is_dir():
        raise OutputError(
            f"{path}: exists and is not a {what} folder (it is {describe_file_type(path)}); "
            "choose another output path"
        )
    try:
        entries = folder_entries(path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot read the folder ({exc.strerror})") from None
    foreign = [e for e in entries if not owned(e)]
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise OutputError(
            f"{path}: is not a graphkit {what} folder: it holds files graphkit did not write "
            f"({shown}); it is left untouched — choose another output path, or move those files away"
        )


@contextmanager
def atomic_path(
    path: Path, *, folder: bool = False, owned: Callable[[str], bool] | None = None, what: str = "output"
) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it when the block succeeds.

    A file target goes through :func:`check_output_file` (a link is written through; a
    device, FIFO or folder is refused). A folder target goes through
    :func:`check_output_folder` with ``owned`` (without it, only an empty folder may be
    replaced), before the block and again just before the swap. A folder that already
    exists is swapped with the new one in one step where the system can (Linux
    ``renameat2``), so a reader or a kill at any instant sees either the old folder or the
    new one. Any ``OSError`` in the block or the move (a full disk) becomes an
    :class:`OutputError` and the temporary path is removed.

    The temporary folder is made with :func:`tempfile.mkdtemp` (exclusive creation: it can
    never be a file or folder that already existed) and only that folder, which this call
    made, is ever removed; nothing is removed because of its name, so a user's
    ``.out.json.tmp-1-notes/`` is never touched. A writer killed with SIGKILL leaves its
    hidden temporary folder beside the output (the old output intact); it is never
    deleted by a later run, as graphkit cannot tell it from a user's folder.
    """
    path = Path(path)
    shown = path
    owns = owned or (lambda _rel: False)
    if folder:
        check_output_folder(path, owns, what=what)
    else:
        path = check_output_file(path)
    parent = path.parent if str(path.parent) else Path(".")
    made = [d for d in [parent, *parent.parents] if not d.exists() and not d.is_symlink()]
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{parent}: cannot create folder ({_reason(exc)})") from None
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-{os.getpid()}-", dir=parent))
    except OSError as exc:
        raise OutputError(f"{parent}: cannot write here ({_reason(exc)})") from None
    target = tmp if folder else tmp / path.name
    ours = True  # tmp is the folder this call made (False once it was moved into place)
    try:
        try:
            if folder:
                _permissions_of_mkdir(tmp)
            yield target
            if not folder:
                check_output_file(path)  # nothing else took the path meanwhile
                os.replace(target, path)
            else:
                check_output_folder(shown, owns, what=what)
                if not path.exists():
                    os.replace(tmp, path)
                    ours = False
                elif not _exchange(tmp, path):  # on success tmp holds the old folder: ours to remove
                    old = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-{os.getpid()}-", dir=parent))
                    try:
                        os.replace(path, old / "previous")
                        try:
                            os.replace(tmp, path)
                        except OSError:
                            os.replace(old / "previous", path)  # the old output back in place
                            raise
                        ours = False
                    finally:
                        shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:
            raise OutputError(f"{shown}: cannot write ({_reason(exc)}); nothing was changed") from None
    except BaseException:
        if ours:
            _remove_own(tmp)
        for d in made:  # folders made for this output go again (deepest first), if still empty
            with contextlib.suppress(OSError):
                d.rmdir()
        raise
    finally:
        if ours:
            _remove_own(tmp)


def _permissions_of_mkdir(folder: Path) -> None:
    """Give a temporary folder (created 0700) the permissions a plain mkdir would have."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(folder, 0o777 & ~mask)


@contextmanager
def replace_files(folder: Path, names: Iterable[str], *, what: str = "output") -> Iterator[Path]:
    """A temporary folder whose files ``names`` replace those of ``folder`` when the block succeeds.

    Only those files are replaced; everything else in ``folder`` (notes, a ``.git/``,
    subfolders) is left as it was. Every file is written in full first (a full disk fails
    there, and nothing is changed), then each is moved into place; a kill between two moves
    can leave some files new and some old, each of them whole. An entry named like one of
    ``names`` that is not a regular file (a folder, a link, a device) is refused.
    """
    folder = Path(folder)
    names = list(names)
    _check_replaceable(folder, names, what)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".graphkit.tmp-{os.getpid()}-", dir=folder))
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write here ({_reason(exc)})") from None
    try:
        try:
            yield tmp
            _check_replaceable(folder, names, what)
            for name in names:
                os.replace(tmp / name, folder / name)
        except OSError as exc:
            raise OutputError(f"{folder}: cannot write ({_reason(exc)}); nothing was changed") from None
    finally:
        _remove_own(tmp)


def _check_replaceable(folder: Path, names: list[str], what: str) -> None:
    for name in names:
        p = folder / name
        if p.is_symlink() or (p.exists() and not p.is_file()):
            kind = "a symbolic link" if p.is_symlink() else describe_file_type(p)
            raise OutputError(
                f"{p}: is {kind}, not a file graphkit wrote; the {what} is not written — "
                "move it away or choose another output path"
            )


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on device"
    return exc.strerror or str(exc)


def describe_file_type(path: str | os.PathLike[str]) -> str:
    """What ``path`` is, in words: "a regular file", "a folder", "a character device" ..."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "missing"
    return "a regular file" if stat.S_ISREG(mode) else _file_type(mode)


def _file_type(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _remove_own(tmp: Path) -> bool:
    """Remove the temporary folder this process made with mkdtemp (never anything found by name)."""
    shutil.rmtree(tmp, ignore_errors=True)
    return True
