"""Dataset fingerprints for the embedded engine's cache: a hash of the bytes, and the files' identity when hashed.

A cache entry is keyed by :func:`dataset_fingerprint`, a hash of every byte the loader
reads. The identity of the files (inode, size, times) is recorded with each fingerprint,
so that a graph loaded while a writer rewrote the dataset (even back to the same bytes)
is recognised (:func:`changed_since_key`) and never cached under a key it does not match.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphkit import schema
from graphkit.errors import StoreError

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["FORMAT_VERSION", "dataset_fingerprint", "load_unchanged", "changed_since_key"]

#: Bump when the way a dataset becomes a database changes: old cache entries stop matching.
FORMAT_VERSION = "4"


def dataset_fingerprint(path: str | os.PathLike[str]) -> str:
    """A hash of everything the loader reads from a dataset (its files' names and bytes).

    A folder's files are its schema's CSV files and every other top-level ``*.csv`` (a table
    a newer loader reads, such as ``norms.csv``, changes the key too). The files' identity
    (inode, size, times) before and after the hash is remembered with the fingerprint: a
    graph loaded from a dataset that was rewritten meanwhile, even back to the same bytes,
    is never cached under it (:meth:`EmbeddedDatabase.build_cached`).

    Raises
    ------
    StoreError
        When the dataset cannot be read.
    """
    import ladybug

    from graphkit import __version__

    path = Path(path)
    h = hashlib.sha256(
        f"graphkit {__version__} format {FORMAT_VERSION} ladybug {ladybug.__version__}\n".encode()
    )
    files = _dataset_files(path)
    before = _identity(files)
    for f in files:
        h.update(f.name.encode("utf-8", "surrogateescape") + b"\0")
        try:
            if not stat.S_ISREG(os.stat(f).st_mode):  # never open a FIFO: the loader says what it is
                h.update(b"<not a regular file>\0")
                continue
            with open(f, "rb", opener=_nonblocking) as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        except FileNotFoundError:
            h.update(b"<missing>")
        except OSError as exc:
            raise StoreError(f"{f}: cannot read ({exc.strerror})") from None
        h.update(b"\0")
    fingerprint = h.hexdigest()[:32]
    # a dataset rewritten while it was hashed has no stable identity: nothing is cached for it
    _SEEN[fingerprint] = (str(path), before if _identity(files) == before else None)
    return fingerprint


#: fingerprint -> (dataset path, identity of its files when the fingerprint was taken)
_SEEN: dict[str, tuple[str, Any]] = {}


def _dataset_files(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]
    names = [f"{schema.NODE_FILES[label]}.csv" for label in schema.LABELS] + [
        f"{schema.RELATIONSHIPS_FILE}.csv"
    ]
    try:
        extra = sorted(e.name for e in os.scandir(path) if e.name.endswith(".csv") and e.name not in names)
    except OSError:
        extra = []
    return [path / n for n in [*names, *extra]]


def _identity(files: list[Path]) -> tuple[Any, ...]:
    """What changes whenever a file is rewritten or replaced, even with the same bytes."""
    out: list[tuple[int, ...] | None] = []
    for f in files:
        try:
            st = os.stat(f)
        except OSError:
            out.append(None)
            continue
        out.append((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    return tuple(out)


def load_unchanged(
    dataset: str | os.PathLike[str],
    load: Callable[[], nx.MultiDiGraph],
    *,
    attempts: int = 3,
) -> tuple[str, nx.MultiDiGraph]:
    """``(fingerprint, G)``: the dataset loaded by ``load()`` with the fingerprint of exactly
    the files it was loaded from.

    The fingerprint and the files' identity (:func:`dataset_fingerprint`) are taken before
    the load and checked after it; when a writer changed the dataset meanwhile (even back
    to the same bytes), it is loaded again (up to ``attempts`` times), so a graph is never
    cached under the key of another version of the data.

    Raises
    ------
    StoreError
        When the dataset kept changing during every attempt.
    """
    for _ in range(max(1, attempts)):
        fingerprint = dataset_fingerprint(dataset)
        G = load()
        if not _changed_since_fingerprint(fingerprint):
            return fingerprint, G
    raise StoreError(
        f"{dataset}: the dataset changed while it was being read ({attempts} times); "
        "run the query again once it is no longer being written"
    )


def _changed_since_fingerprint(fingerprint: str) -> bool:
    """True when the dataset hashed as ``fingerprint`` (in this process) was rewritten since
    the hash, or was being rewritten during it; False when it was not hashed here."""
    seen = _SEEN.get(fingerprint)
    if seen is None:
        return False
    path, before = seen
    if before is None:
        return True
    files = _dataset_files(Path(path))
    return _identity(files) != before


def _nonblocking(path: str, flags: int) -> int:
    """Open without blocking (a file swapped for a FIFO after the check); reads then block as usual."""
    fd = os.open(path, flags | os.O_NONBLOCK)
    os.set_blocking(fd, True)
    return fd


def changed_since_key(key: str) -> bool:
    """True when the dataset whose fingerprint a cache ``key`` starts with was rewritten (or
    was being rewritten) after that fingerprint was taken in this process: a graph loaded in
    between may hold another version, and must not be cached under ``key``."""
    return _changed_since_fingerprint(key.split("-", 1)[0])
