"""Open input files safely: only regular files are ever read as data.

A named pipe (FIFO) given as a dataset blocks ``open()`` until some other process writes
to it, and a character device (``/dev/zero``, ``/dev/urandom``) never ends; a folder
named ``actors.csv`` is not a missing file but the wrong kind of thing. Every loader
opens its input through :func:`open_input`, which checks the kind with ``os.stat``
before opening, opens with ``O_NONBLOCK`` (so that a file swapped for a FIFO between the
check and the open cannot block either) and checks the opened descriptor again.
"""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path
from typing import BinaryIO

from graphkit.errors import FormatError

__all__ = ["open_input", "read_input", "kind_problem", "describe_kind"]

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def describe_kind(mode: int) -> str:
    """What a non-regular file is, in words ("a directory", "a named pipe (FIFO)" ...)."""
    for test, words in _KINDS:
        if test(mode):
            return words
    return "not a regular file"


def kind_problem(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` cannot be read as a data file (missing, unreadable, a directory, a FIFO,
    a device ...), as ``'NAME is a directory, not a file'``; None for a regular file.

    Symbolic links are followed: a link to a regular file is a regular file.
    """
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return f"{path.name} is missing"
    except PermissionError:
        return f"{path.name} cannot be read (permission denied)"
    except OSError as exc:
        return f"{path.name} cannot be read ({exc.strerror})"
    if stat.S_ISREG(st.st_mode):
        return None
    return f"{path.name} is {describe_kind(st.st_mode)}, not a file"


def open_input(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a regular file for reading in binary mode; anything else is a :class:`FormatError`.

    Raises
    ------
    FormatError
        ``'PATH: NAME is a named pipe (FIFO), not a file; give a regular file'`` and the
        like, ``'PATH: no such file'``, ``'PATH: cannot be read (Permission denied)'``.
    """
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FormatError(f"{path}: no such file") from None
    except OSError as exc:
        raise FormatError(f"{path}: cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        raise FormatError(_not_a_file(path, st.st_mode))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise FormatError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped between the check and the open
            raise FormatError(_not_a_file(path, st.st_mode))
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_input(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a regular file (see :func:`open_input`)."""
    path = Path(path)
    with open_input(path) as f:
        try:
            return f.read()
        except OSError as exc:
            raise FormatError(f"{path}: cannot be read ({exc.strerror})") from None


def _not_a_file(path: Path, mode: int) -> str:
    return f"{path} is {describe_kind(mode)}, not a file; give a regular file"
