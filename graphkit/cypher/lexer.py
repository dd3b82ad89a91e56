"""Cypher lexing: tokens, positions, and errors that point at a line and column."""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphkit.errors import QueryError

__all__ = ["Token", "tokenize", "position", "located", "query_parameters"]


@dataclass(frozen=True)
class Token:
    """A lexical token: ``kind`` is ws, comment, string, ident, param, number or op."""

    kind: str
    text: str
    pos: int


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
  | (?P<ident>`[^`]*(?:`|\Z)|[A-Za-z_][A-Za-z0-9_]*)
  | (?P<param>\$[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>\d+\.\d+(?:[eE][-+]?\d+)?|\d+(?:[eE][-+]?\d+)?)
  | (?P<op>\.\.|<>|<=|>=|=~|->|<-|.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokenize(text: str) -> list[Token]:
    """Split Cypher text into tokens; joining their texts gives ``text`` back."""
    return [Token(m.lastgroup or "op", m.group(), m.start()) for m in _TOKEN.finditer(text)]


def position(text: str, offset: int) -> tuple[int, int]:
    """``(line, column)``, both from 1, of a character offset in ``text``."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def located(file: str, text: str, offset: int, message: str) -> QueryError:
    """A QueryError naming ``file:line:column`` of ``offset`` in ``text``, showing the line and a caret."""
    line, col = position(text, offset)
    src = text.split("\n")[line - 1]
    start = max(0, col - 1 - 60)  # show at most 60 characters either side of the column
    shown = ("…" if start else "") + src[start : col - 1 + 60] + ("…" if len(src) > col - 1 + 60 else "")
    caret = " " * (col - 1 - start + (1 if start else 0)) + "^"
    return QueryError(f"{file}:{line}:{col}: {message}\n  {shown}\n  {caret}")


def query_parameters(text: str) -> set[str]:
    """The parameter names (``$name``) used in Cypher text, outside strings and comments.

    >>> sorted(query_parameters("MATCH (a {id: $id}) // $not_this\\nRETURN '$nor_this', $k"))
    ['id', 'k']
    """
    return {t.text[1:] for t in tokenize(text) if t.kind == "param"}
