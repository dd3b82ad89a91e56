"""Text for a terminal as data: control characters shown as escapes, undecodable names shown as bytes, broken streams named.

Everything graphkit prints to standard output or standard error goes through an
:class:`EscapingStream` (installed by the command line, :func:`install`): a file name,
a value or a server message holding ESC, CR, a C1 control or a bidirectional override
is shown as ``\\x1b``, ``\\r``, ``\\x9b``, ``\\u202e`` and never sent to the terminal as a
command; a name that is not UTF-8 (a folder name read from the file system, kept by
Python as surrogate escapes) is shown as its bytes (``\\xff``) instead of failing.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import sys
from typing import Any, TextIO

from graphkit.errors import GraphkitError
from graphkit.files import display_path

__all__ = [
    "escape_text",
    "display_path",
    "EscapingStream",
    "StreamError",
    "WatchedStream",
    "install",
    "stream_error",
    "silence_stream",
    "STDIN_ERRORS",
]

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

#: The codec error handler standard input is read with: undecodable bytes raise a
#: :class:`StreamError` naming the byte (registered on import).
STDIN_ERRORS = "graphkit-stdin"


class StreamError(GraphkitError):
    """Standard input, output or error cannot be used (closed, full, not UTF-8)."""


def escape_text(text: str, *, keep: str = "\n") -> str:
    """``text`` with every character a terminal acts on shown as an escape, except ``keep``.

    C0 controls, DEL, C1 controls, U+2028/U+2029 and the bidirectional controls become
    ``\\x1b``, ``\\r``, ``\\x85``, ``\\u202e``; a surrogate escape (a byte of a file name
    that is not UTF-8) becomes ``\\xNN``, the byte itself.

    Examples
    --------
    >>> escape_text("name\\x1b]0;pwned\\x07\\rend\\n")
    'name\\\\x1b]0;pwned\\\\x07\\\\rend\\n'
    >>> escape_text("caf\\udce9")
    'caf\\\\xe9'
    """
    if text.isprintable() and not any(c in _BIDI for c in text):
        return text
    out = []
    for c in text:
        o = ord(c)
        if c in keep:
            out.append(c)
        elif 0xDC80 <= o <= 0xDCFF:  # os.fsdecode's escape of an undecodable byte
            out.append(f"\\x{o - 0xDC00:02x}")
        elif o < 0x20 or 0x7F <= o < 0xA0:
            out.append(repr(c)[1:-1] if c in "\t\n\r" else f"\\x{o:02x}")
        elif c in "\u2028\u2029" or c in _BIDI or 0xD800 <= o <= 0xDFFF:
            out.append(f"\\u{o:04x}")
        else:
            out.append(c)
    return "".join(out)


class EscapingStream(io.TextIOBase):
    """A text stream that writes :func:`escape_text` of everything to ``stream``.

    ``keep``: characters passed as they are (a line end; a tab). :meth:`write_raw` writes
    text unescaped (a progress bar's own carriage return).
    """

    def __init__(self, stream: TextIO, *, keep: str = "\n") -> None:
        super().__init__()
        self.stream = stream
        self.keep = keep

    def write(self, text: str) -> int:
        self.stream.write(escape_text(text, keep=self.keep))
        return len(text)

    def write_raw(self, text: str) -> int:
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", "utf-8")

    @property
    def buffer(self) -> Any:
        return getattr(self.stream, "buffer", None)


class WatchedStream(io.TextIOBase):
    """``stream``, remembering the first ``OSError`` a write or flush raised (in ``error``)
    before raising it again: for callers that swallow it (argparse's ``--help``)."""

    def __init__(self, stream: Any) -> None:
        super().__init__()
        self.stream = stream
        self.error: OSError | None = None

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except OSError as exc:
            self.error = self.error or exc
            raise

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError as exc:
            self.error = self.error or exc
            raise

    def isatty(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())

    def writable(self) -> bool:
        return True


class _Closed(io.TextIOBase):
    """Standard output or error that was closed when graphkit started: writing fails cleanly."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, f"{self.name} is closed")

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False


def _stdin_error(exc: UnicodeError) -> tuple[str, int]:
    if isinstance(exc, UnicodeDecodeError):
        bad = exc.object[exc.start : exc.start + 1]
        raise StreamError(
            f"standard input is not UTF-8 (byte 0x{bad.hex()} at offset {exc.start} of the data read); "
            "save the input as UTF-8"
        )
    raise exc


codecs.register_error(STDIN_ERRORS, _stdin_error)


def install(*, raw_stdout: bool = False) -> None:
    """Make the process's standard streams safe: stderr and stdout escaped (stdout only when
    ``raw_stdout`` is False: a command writing CSV or JSON data writes it as it is, with
    undecodable characters backslash-escaped), a closed stdin read as empty, a closed
    stdout or stderr a clean error, stdin's undecodable bytes a :class:`StreamError`."""
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - read as empty input
    elif isinstance(sys.stdin, io.TextIOWrapper):
        with contextlib.suppress(OSError, ValueError):
            sys.stdin.reconfigure(encoding="utf-8", errors=STDIN_ERRORS)
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, _Closed(f"standard {name[3:]}put" if name == "stdout" else "standard error"))
            continue
        if isinstance(stream, EscapingStream):
            continue
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(OSError, ValueError):
                stream.reconfigure(errors="backslashreplace")
        if name == "stderr" or not raw_stdout:
            setattr(sys, name, EscapingStream(stream, keep="\n" if name == "stderr" else "\n\t"))


def stream_error(exc: BaseException) -> str | None:
    """Which standard stream ``exc`` (an ``OSError``) failed on, as words, or None when it
    came from elsewhere (a file of the user's)."""
    if not isinstance(exc, OSError):
        return None
    broken = isinstance(exc, BrokenPipeError) or exc.errno in (
        errno.EPIPE,
        errno.ENOSPC,
        errno.EIO,
        errno.EBADF,
    )
    if broken and getattr(exc, "filename", None) is None:
        return "standard output"
    return None


def silence_stream(name: str = "stdout") -> None:
    """Point file descriptor 1 (or 2) at /dev/null and drop what is still buffered for it, so
    that the interpreter's last flush at exit cannot fail a second time."""
    fd = 1 if name == "stdout" else 2
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except OSError:
        pass
    setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
