"""What every command does alike, applied once to the whole parser: ``-o/--output`` and ``--json``.

:func:`apply` runs after every command is registered (so it covers commands added later):

* an output option spelt ``--out`` is also ``--output`` (the help shows ``-o/--output``;
  ``--out`` keeps working, unlisted);
* a command without its own ``--json`` gets one: its printed lines and the files it wrote
  come out as one JSON object on standard output (progress and errors stay on standard
  error), so a script can parse the result of any command;
* ``-`` as a DATASET reads standard input (JSON, GEXF, GraphML or a workbook, told apart
  by their first bytes; a folder of CSV files cannot come through a pipe);
* ``-o -`` writes to standard output where the output is one file (:data:`STDOUT_SUFFIX`:
  ``viz`` an HTML page, ``merge`` and ``import`` node-link JSON); a command that writes a
  folder (``analyze``, ``report``) says so instead of creating a folder named ``-``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from graphkit.errors import GraphkitError
from graphkit.loaders.formats import describe

__all__ = ["apply", "subcommands", "NO_JSON", "STDOUT_SUFFIX", "INPUTS"]

NO_JSON = frozenset({"completion", "shell"})
"""Commands whose output is the product itself (a script) or a conversation: no ``--json``."""

STDOUT_SUFFIX = {
    "viz": ".html",
    "merge": ".nodelink.json",
    "import misp-galaxy": ".nodelink.json",
    "import stix": ".nodelink.json",
}
"""What ``-o -`` writes to standard output, by command (``convert`` has its own ``--to``)."""

INPUTS = frozenset({"dataset", "inputs", "actors"})
"""Arguments naming a dataset, where ``-`` reads standard input."""

_WROTE = re.compile(r"^wrote (?:\d+ files to )?(.+?)(?: \(.*\))?$")


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """``{name: parser}`` of every command (nested ones as ``"import misp-galaxy"``)."""
    out: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        choices = action.choices
        if isinstance(choices, dict) and all(
            isinstance(c, argparse.ArgumentParser) for c in choices.values()
        ):
            for name, sub in choices.items():
                nested = subcommands(sub)
                if nested:
                    out.update({f"{name} {k}": v for k, v in nested.items()})
                else:
                    out[name] = sub
    return out


def apply(parser: argparse.ArgumentParser) -> None:
    """Give every command ``-o/--output`` (for ``--out``) and ``--json``."""
    for name, sub in subcommands(parser).items():
        _output_alias(sub)
        if name not in NO_JSON and "--json" not in sub._option_string_actions:
            sub.add_argument(
                "--json",
                action="store_true",
                help="print the result as one JSON object (the lines printed and the files written)",
            )
            func = sub._defaults.get("func")
            fmt = sub._option_string_actions.get("--format")
            if fmt is not None and fmt.choices is not None and "json" in fmt.choices and func is not None:
                sub.set_defaults(func=_format_json(fmt.dest, func))  # its own JSON rows
            elif func is not None:
                sub.set_defaults(func=_as_json(name, func))
        inputs = [a.dest for a in sub._actions if a.dest in INPUTS]
        func = sub._defaults.get("func")
        if func is not None and inputs and name != "shell":  # the shell talks on standard input
            sub.set_defaults(func=_dash_input(inputs, func))
            for action in sub._actions:
                if action.dest in INPUTS and action.help and "standard input" not in action.help:
                    if action.help.startswith("dataset folder, .xlsx"):  # the formats, from the registry
                        action.help = describe() + action.help.split(".gexf", 1)[1]
                    action.help += "; - reads standard input (JSON, GEXF, GraphML or .xlsx)"
        func = sub._defaults.get("func")
        dest = next((a.dest for a in sub._actions if "--output" in a.option_strings), None)
        if func is not None and dest is not None and name != "convert":
            sub.set_defaults(func=_dash_output(name, dest, func))


def _output_alias(sub: argparse.ArgumentParser) -> None:
    for action in sub._actions:
        if "--out" in action.option_strings and "--output" not in action.option_strings:
            sub._option_string_actions["--output"] = action
            action.option_strings = [o for o in action.option_strings if o != "--out"] + ["--output"]


def _format_json(dest: str, func: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        if getattr(args, "json", False):
            setattr(args, dest, "json")
        return int(func(args) or 0)

    return run


def _as_json(name: str, func: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        if not getattr(args, "json", False):
            return int(func(args) or 0)
        buf = io.StringIO()
        doc: dict[str, Any] = {"command": name}
        try:
            with contextlib.redirect_stdout(buf):
                rc = int(func(args) or 0)
        except GraphkitError as exc:
            doc.update(ok=False, exit=2, error=str(exc), output=buf.getvalue().splitlines())
            print(json.dumps(doc, indent=2, ensure_ascii=False))
            raise
        lines = buf.getvalue().splitlines()
        written = [m.group(1) for m in map(_WROTE.match, lines) if m]
        target = getattr(args, "output", None) or getattr(args, "out", None)
        if isinstance(target, str) and target != "-" and target not in written and os.path.exists(target):
            written.append(target)
        doc.update(ok=rc == 0, exit=rc, written=written, output=lines)
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return rc

    return run


def _dash_output(name: str, dest: str, func: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        if getattr(args, dest, None) != "-":
            return int(func(args) or 0)
        suffix = STDOUT_SUFFIX.get(name)
        if suffix is None:
            raise GraphkitError(
                f"{name} writes a folder of files; give a folder path, not - (standard output)"
            )
        with tempfile.TemporaryDirectory(prefix="graphkit-stdout-") as tmp:
            target = os.path.join(tmp, "out" + suffix)
            setattr(args, dest, target)
            with contextlib.redirect_stdout(sys.stderr):  # messages must not mix with the data
                rc = int(func(args) or 0)
            data = Path(target).read_bytes() if os.path.exists(target) else b""
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(data.decode("utf-8", errors="replace"))
        else:
            buffer.write(data)
            buffer.flush()
        return rc

    return run


def _dash_input(dests: list[str], func: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        dashed = [d for d in dests if _names_stdin(getattr(args, d, None))]
        if not dashed:
            return int(func(args) or 0)
        from graphkit.cli.streams import stdin_to_file

        with tempfile.TemporaryDirectory(prefix="graphkit-stdin-") as tmp:
            path = str(stdin_to_file(tmp))  # read once, whichever argument names it
            for d in dashed:
                value = getattr(args, d)
                setattr(
                    args, d, [path if v == "-" else v for v in value] if isinstance(value, list) else path
                )
            return int(func(args) or 0)

    return run


def _names_stdin(value: Any) -> bool:
    return value == "-" or (isinstance(value, list) and "-" in value)
