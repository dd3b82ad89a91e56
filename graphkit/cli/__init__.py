"""The command line: a thin layer that parses options, calls the library and reports errors.

Each module named in COMMAND_MODULES has ``register(subparsers)`` adding its commands;
a command's ``func(args) -> int`` does the work. A :class:`GraphkitError` becomes a
message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys

from graphkit import __version__
from graphkit.cli import habits
from graphkit.errors import GraphkitError

__all__ = ["main", "build_parser", "COMMAND_MODULES"]

COMMAND_MODULES = [
    "dataset",
    "importers",
    "report",
    "analyze",
    "align",
    "viz",
    "query",
    "neo4j",
    "whatif",
    "compare",
    "completion",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="graphkit",
        description="Map who can defend cyberspace together: load, analyse and draw stakeholder networks.",
        epilog="Example: graphkit report data/cyber-multilateral -o reports/multilateral",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"graphkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"graphkit.cli.{name}").register(sub)
    habits.apply(parser)  # -o/--output and --json on every command
    parser.set_defaults(root_parser=parser)  # for `graphkit completion`
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit code (0, 1 invalid data, 2 error, 130 interrupted).

    Standard streams are made safe for the run (:func:`graphkit.terminal.install`) and put
    back afterwards, so that calling ``main`` from Python leaves ``sys.stdout`` as it was.
    """
    saved = (sys.stdin, sys.stdout, sys.stderr)
    try:
        return _main(argv)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


def _main(argv: list[str] | None) -> int:
    from graphkit import terminal

    terminal.install(raw_stdout=True)  # stdin, stderr (escaped), closed streams
    parser = build_parser()
    watched = sys.stdout = terminal.WatchedStream(sys.stdout)  # argparse swallows write errors
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, a usage error: argparse's own exit code
        code = exc.code if isinstance(exc.code, int) else 2
        if watched.error is not None:
            return _stdout_failed("graphkit", watched.error)
        return _finish("graphkit", code)
    finally:
        sys.stdout = watched.stream
    if not getattr(args, "func", None):
        parser.print_help()
        return _finish("graphkit", 2)
    if not _machine_output(args):
        terminal.install(raw_stdout=False)  # what people read: escaped as well
    name = f"graphkit {args.command}"
    try:
        return _finish(name, int(args.func(args) or 0))
    except GraphkitError as exc:
        _say(f"{name}: error: {exc}")
        return 2
    except KeyboardInterrupt:
        _quiet_after_stop()
        _say(f"{name}: interrupted")
        return 130
    except BrokenPipeError:  # the reader went away (| head): nothing more to say
        _quiet_after_stop()
        terminal.silence_stream("stdout")
        return 0
    except RecursionError:
        _say(f"{name}: error: the input is nested too deeply to read (a recursion limit was reached)")
        return 2
    except UnicodeError as exc:  # a text that is not UTF-8 reached a writer (a safety net)
        _say(
            f"{name}: error: a name or value cannot be written as UTF-8 ({getattr(exc, 'reason', exc)}); rename it or save the input as UTF-8"
        )
        return 2
    except MemoryError:
        _say(f"{name}: error: out of memory (is the input far larger than expected?)")
        return 2
    except OSError as exc:
        if terminal.stream_error(exc) or _stdout_broken():
            return _stdout_failed(name, exc)
        where = f"{terminal.display_path(exc.filename)}: " if exc.filename else ""
        _say(f"{name}: error: {where}{exc.strerror or exc}")
        return 2


def _machine_output(args: argparse.Namespace) -> bool:
    """True when the command writes data (CSV, JSON) to standard output: written as it is
    (JSON escapes control characters itself; CSV cells keep their bytes). Also the shell,
    whose line editing needs the real stdout (its tables escape every cell themselves)."""
    if getattr(args, "command", None) == "shell":
        return True  # input() keeps readline only with the real stdout; the shell escapes its own tables
    return getattr(args, "format", None) in ("csv", "json") or getattr(args, "json", False) is True


def _finish(name: str, code: int) -> int:
    """``code``, once standard output is flushed; a stream that cannot take it (``>/dev/full``,
    closed) is one line on stderr and exit code 2."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_after_stop()
        from graphkit.terminal import silence_stream

        silence_stream("stdout")
        return code
    except (OSError, ValueError) as exc:
        return _stdout_failed(name, exc)
    return code


def _stdout_broken() -> bool:
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        return True
    return False


def _stdout_failed(name: str, exc: BaseException) -> int:
    from graphkit.terminal import silence_stream

    _quiet_after_stop()
    reason = getattr(exc, "strerror", None) or str(exc)
    silence_stream("stdout")
    _say(f"{name}: error: cannot write to standard output ({reason}); the output is incomplete")
    return 2


def _say(text: str) -> None:
    """One line on stderr (escaped by the stream); a stderr that fails too is left silent."""
    try:
        print(text, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        from graphkit.terminal import silence_stream

        silence_stream("stderr")


def _quiet_after_stop() -> None:
    """After an interruption or a broken stream: a second Ctrl-C and the clean-up of
    generators and files interrupted half-way print nothing (no "Exception ignored" traceback)."""
    import signal

    with contextlib.suppress(ValueError):  # not the main thread
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.unraisablehook = lambda _unraisable: None
