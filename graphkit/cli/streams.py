"""``-`` on the command line: a graph read from standard input, a file written to standard output."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphkit.errors import FormatError, OutputError

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["STDIO", "STDOUT_FORMAT", "load_stdin", "stdin_to_file", "sniff_suffix", "write_stdout"]

STDIO = "-"
"""The name of standard input (where a DATASET is read) or output (where a file is written)."""

STDOUT_FORMAT = "node-link"
"""What ``-`` as an output writes without ``--to``: networkx node-link JSON, which
``nx.node_link_graph``, ``jq`` and graphkit itself read."""


def sniff_suffix(data: bytes) -> str:
    """The suffix of the format ``data`` is in: ``.json``, ``.gexf``, ``.graphml`` or ``.xlsx``.

    >>> sniff_suffix(b'  {"nodes": []}'), sniff_suffix(b"<?xml version='1.0'?><gexf>"), sniff_suffix(b"PK\\x03\\x04")
    ('.json', '.gexf', '.xlsx')
    """
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"PK\x03\x04"):
        return ".xlsx"
    if head.startswith((b"{", b"[")):
        return ".json"
    if b"<gexf" in head:
        return ".gexf"
    if b"<graphml" in head:
        return ".graphml"
    raise FormatError(
        "standard input: not JSON, GEXF, GraphML or an .xlsx workbook (a dataset folder of CSV "
        "files cannot come through a pipe: give its path)"
    )


def stdin_to_file(folder: str | Path) -> Path:
    """Standard input saved in ``folder`` as ``stdin.<suffix>`` (the suffix of its format)."""
    buffer = getattr(sys.stdin, "buffer", None)
    data = buffer.read() if buffer is not None else sys.stdin.read().encode("utf-8")
    if not data:
        raise FormatError(
            "standard input is empty; pipe a graph in (JSON, GEXF, GraphML or .xlsx) or give a path"
        )
    path = Path(folder) / f"stdin{sniff_suffix(data)}"
    path.write_bytes(data)
    return path


def load_stdin(**options: Any) -> nx.MultiDiGraph:
    """The graph on standard input (its format found from its first bytes)."""
    from graphkit.loaders import load

    with tempfile.TemporaryDirectory(prefix="graphkit-stdin-") as tmp:
        G = load(stdin_to_file(tmp), **options)
    G.graph.pop("path", None)
    return G


def write_stdout(G: nx.MultiDiGraph, fmt_name: str | None, *, analysis: Any = None, viz: bool = True) -> str:
    """Write ``G`` to standard output in the format named (default :data:`STDOUT_FORMAT`);
    returns the format's name."""
    from graphkit.export.tables import write
    from graphkit.loaders.formats import get_format

    try:
        fmt = get_format(fmt_name or STDOUT_FORMAT)
    except FormatError as exc:
        raise OutputError(str(exc)) from None
    if fmt.folder:
        raise OutputError(
            f"{fmt.name} is a folder of files, which standard output cannot hold; give a folder path instead of -"
        )
    with tempfile.TemporaryDirectory(prefix="graphkit-stdout-") as tmp:
        path = write(G, Path(tmp) / f"out{fmt.suffixes[0]}", format=fmt.name, analysis=analysis, viz=viz)
        data = path.read_bytes()
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text stream without bytes below (a test's StringIO)
        sys.stdout.write(data.decode("utf-8", errors="replace"))
    else:
        buffer.write(data)
        buffer.flush()
    return fmt.name
