"""Low-level file helpers every layer may use: atomic writes and formula-safe text.

Nothing here imports the rest of graphkit except :mod:`graphkit.errors`.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graphkit.errors import OutputError

__all__ = ["atomic_path", "neutralise_formula", "FORMULA_PREFIXES"]

#: First characters that make a spreadsheet evaluate a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_ESCAPE = "'"


def neutralise_formula(text: str) -> str:
    """Text that a spreadsheet shows as written instead of evaluating it (``'`` prefix).

    Examples
    --------
    >>> neutralise_formula("=1+1"), neutralise_formula("NATO")
    ("'=1+1", 'NATO')
    """
    return _ESCAPE + text if text.startswith(FORMULA_PREFIXES + (_ESCAPE,)) else text


@contextmanager
def atomic_path(path: Path, *, folder: bool = False) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it when the block succeeds.

    A folder that already exists is swapped with the new one in one step where the
    system can (Linux ``renameat2``), so a reader or a kill at any instant sees either
    the old folder or the new one. Leftovers of writers that were killed (their process
    is gone) are removed on the next write to the same path.
    """
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{parent}: cannot create folder ({exc.strerror})") from None
    _remove_stale(parent, path.name)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-{os.getpid()}-", dir=parent))
    except OSError as exc:
        raise OutputError(f"{parent}: cannot write here ({exc.strerror})") from None
    target = tmp if folder else tmp / path.name
    try:
        yield target
        if not folder:
            os.replace(target, path)
        elif not path.exists():
            os.replace(tmp, path)
        elif _exchange(tmp, path):
            shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old folder
        else:
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-{os.getpid()}-", dir=parent))
            os.replace(path, old / "previous")
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


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


def _remove_stale(parent: Path, name: str) -> None:
    prefix = f".{name}.tmp-"
    try:
        entries = [e for e in parent.iterdir() if e.name.startswith(prefix)]
    except OSError:
        return
    for entry in entries:
        pid = entry.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
