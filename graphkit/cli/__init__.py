"""The command line: a thin layer that parses options, calls the library and reports errors.

Each module named in COMMAND_MODULES has ``register(subparsers)`` adding its commands;
a command's ``func(args) -> int`` does the work. A :class:`GraphkitError` becomes a
message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
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
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except GraphkitError as exc:
        print(f"graphkit {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"graphkit {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except MemoryError:
        print(
            f"graphkit {args.command}: error: out of memory (is the input far larger than expected?)",
            file=sys.stderr,
        )
        return 2
