"""Cypher tokens for graphkit's parser: the lexer, syntax errors with positions, and a token cursor.

:func:`lex` splits query text into :class:`Lexeme` tokens (comments and white space
dropped; strings unescaped; hexadecimal ``0x`` and octal ``0o`` integers read; integers past
64 bits refused). :class:`TokenStream` is the cursor the parser classes build on; its
:meth:`TokenStream.enter` bounds the nesting depth (:data:`MAX_DEPTH`).
"""

from __future__ import annotations

import re
from typing import Any

from graphkit.cypher.queryfile import MAX_QUERY_CHARS
from graphkit.errors import QueryError

__all__ = [
    "CypherSyntaxError",
    "Lexeme",
    "KEYWORDS",
    "lex",
    "syntax_error",
    "TokenStream",
    "MAX_DEPTH",
    "INT_MAX",
]

#: The deepest syntax tree a query may make (nested brackets, chained operators).
MAX_DEPTH = 400

INT_MAX = 2**63 - 1


class CypherSyntaxError(QueryError):
    """A query that is not valid Cypher (a SyntaxError at compile time, in Neo4j's words)."""


class Lexeme:
    """A token: kind (``ident``, ``kw``, ``str``, ``int``, ``float``, ``param``, ``op``, ``eof``), value, offset."""

    __slots__ = ("kind", "value", "pos", "end", "quoted")

    def __init__(self, kind: str, value: Any, pos: int, end: int, quoted: bool = False) -> None:
        self.kind, self.value, self.pos, self.end, self.quoted = kind, value, pos, end, quoted

    def __repr__(self) -> str:
        return f"{self.kind}:{self.value!r}@{self.pos}"


KEYWORDS = frozenset(
    [
        "ALL",
        "AND",
        "AS",
        "ASC",
        "ASCENDING",
        "BY",
        "CALL",
        "CASE",
        "CONTAINS",
        "COUNT",
        "CREATE",
        "DELETE",
        "DESC",
        "DESCENDING",
        "DETACH",
        "DISTINCT",
        "ELSE",
        "END",
        "ENDS",
        "EXISTS",
        "FALSE",
        "IN",
        "IS",
        "LIMIT",
        "MATCH",
        "MERGE",
        "NOT",
        "NULL",
        "OPTIONAL",
        "OR",
        "ORDER",
        "REMOVE",
        "RETURN",
        "SET",
        "SKIP",
        "STARTS",
        "THEN",
        "TRUE",
        "UNION",
        "UNWIND",
        "WHEN",
        "WHERE",
        "WITH",
        "XOR",
        "YIELD",
    ]
)

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<hex>0x[0-9A-Za-z]*)
  | (?P<oct>0o[0-9A-Za-z]*)
  | (?P<float>(?:\d+\.\d+|\.\d+)(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+)
  | (?P<int>\d+[A-Za-z_]*)
  | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<ident>[^\W\d]\w*|`(?:[^`]|``)*`)
  | (?P<param>\$(?:[^\W\d]\w*|\d+|`(?:[^`]|``)*`))
  | (?P<op>\.\.|<>|<=|>=|=~|->|<-|\+=|!=|[-+*/%^=<>(){}\[\],.:|;$&!?])
    """,
    re.VERBOSE | re.DOTALL,
)

_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def syntax_error(text: str, pos: int, message: str) -> CypherSyntaxError:
    err = CypherSyntaxError(message)
    err.pos, err.message = pos, message  # type: ignore[attr-defined]
    return err


def _unescape(body: str, text: str, pos: int) -> str:
    if "\\" not in body:
        return body
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        n = body[i + 1]
        if n in _ESCAPES:
            out.append(_ESCAPES[n])
            i += 2
        elif n in "uU":
            width = 4 if n == "u" else 8
            digits = body[i + 2 : i + 2 + width]
            if len(digits) != width or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise syntax_error(text, pos, f"invalid unicode escape \\{n}{digits} in a string literal")
            out.append(chr(int(digits, 16)))
            i += 2 + width
        else:
            out.append("\\" + n)
            i += 2
    return "".join(out)


def lex(text: str) -> list[Lexeme]:
    """The tokens of Cypher text (comments and white space dropped)."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query text is {len(text):,} characters long, more than the {MAX_QUERY_CHARS:,} accepted: "
            "pass long values as parameters ($name) instead of writing them in the query"
        )
    out: list[Lexeme] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if m is None and (text[pos] < " " or text[pos] == "\x7f"):
            line = text.count("\n", 0, pos) + 1
            col = pos - (text.rfind("\n", 0, pos) + 1) + 1
            raise QueryError(
                f"the embedded engine refused the query: it holds the control character U+{ord(text[pos]):04X} "
                f"at line {line}, column {col} (remove it)"
            )
        if m is None:
            c = text[pos]
            what = (
                "an unterminated string"
                if c in "'\""
                else (
                    "an unterminated comment"
                    if text.startswith("/*", pos)
                    else "an unterminated quoted name"
                    if c == "`"
                    else f"the character {c!r}"
                )
            )
            raise syntax_error(text, pos, f"unexpected {what}")
        kind = m.lastgroup or "op"
        s = m.group()
        end = m.end()
        if kind == "ws":
            pass
        elif kind == "hex" or kind == "oct":
            base = 16 if kind == "hex" else 8
            try:
                v = int(s[2:], base)
            except ValueError:
                raise syntax_error(text, pos, f"invalid number literal {s} (InvalidNumberLiteral)") from None
            if v > INT_MAX + 1:
                raise syntax_error(
                    text, pos, f"integer literal {s} is out of the 64-bit range (IntegerOverflow)"
                )
            out.append(Lexeme("int", v, pos, end))
        elif kind == "int":
            if not s.isdigit():
                raise syntax_error(text, pos, f"invalid number literal {s}")
            out.append(Lexeme("int", int(s), pos, end))
        elif kind == "float":
            fv = float(s)
            if fv == float("inf"):
                raise syntax_error(text, pos, f"float literal {s} is too large (FloatingPointOverflow)")
            out.append(Lexeme("float", fv, pos, end))
        elif kind == "str":
            out.append(Lexeme("str", _unescape(s[1:-1], text, pos), pos, end))
        elif kind == "ident":
            if s.startswith("`"):
                out.append(Lexeme("ident", s[1:-1].replace("``", "`"), pos, end, quoted=True))
            else:
                out.append(Lexeme("ident", s, pos, end))
        elif kind == "param":
            name = s[1:]
            if name.startswith("`"):
                name = name[1:-1].replace("``", "`")
            out.append(Lexeme("param", name, pos, end))
        else:
            out.append(Lexeme("op", s, pos, end))
        pos = end
    out.append(Lexeme("eof", None, n, n))
    return out


class TokenStream:
    """A cursor over the tokens of a query, with the depth guard every parser level uses."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = lex(text)
        self.i = 0
        self.depth = 0
        self.anon = 0

    # -- token helpers
    @property
    def tok(self) -> Lexeme:
        return self.toks[self.i]

    def peek(self, k: int = 1) -> Lexeme:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def is_kw(self, *words: str, k: int = 0) -> bool:
        t = self.peek(k) if k else self.tok
        return t.kind == "ident" and not t.quoted and t.value.upper() in words

    def is_op(self, *ops: str, k: int = 0) -> bool:
        t = self.peek(k) if k else self.tok
        return t.kind == "op" and t.value in ops

    def take(self) -> Lexeme:
        t = self.tok
        self.i += 1
        return t

    def error(self, message: str | None = None, t: Lexeme | None = None) -> CypherSyntaxError:
        t = t or self.tok
        shown = "the end of the query" if t.kind == "eof" else repr(self.text[t.pos : t.end][:40])
        return syntax_error(self.text, t.pos, message or f"unexpected {shown} (UnexpectedSyntax)")

    def expect_kw(self, word: str) -> Lexeme:
        if not self.is_kw(word):
            raise self.error(f"expected {word} here, found " + self._shown())
        return self.take()

    def expect_op(self, op: str) -> Lexeme:
        if not self.is_op(op):
            raise self.error(f"expected {op!r} here, found " + self._shown())
        return self.take()

    def _shown(self) -> str:
        t = self.tok
        return "the end of the query" if t.kind == "eof" else repr(self.text[t.pos : t.end][:40])

    def name(self, what: str = "a name") -> str:
        t = self.tok
        if t.kind != "ident":
            raise self.error(f"expected {what} here, found " + self._shown())
        self.i += 1
        return t.value

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(
                f"the query is nested more than {MAX_DEPTH} levels deep (brackets, operators or clauses "
                "inside each other): split it up, or pass large values as parameters"
            )

    # -- queries

    def is_namespaced_call(self) -> bool:
        k = 1
        while self.is_op(".", k=k) and self.peek(k + 1).kind == "ident":
            k += 2
        return self.is_op("(", k=k)

    def looks_like_pattern(self) -> bool:
        # "(" name? (":" label)* ("{"...)? ")" followed by "-" or "<-" : a pattern
        k = 1
        if self.peek(k).kind == "ident" and not self.is_op("(", k=k + 1):
            k += 1
        while self.is_op(":", k=k) and self.peek(k + 1).kind == "ident":
            k += 2
        if self.is_op("{", k=k):
            depth = 0
            while True:
                t = self.peek(k)
                if t.kind == "eof":
                    return False
                if t.kind == "op" and t.value == "{":
                    depth += 1
                elif t.kind == "op" and t.value == "}":
                    depth -= 1
                    if depth == 0:
                        k += 1
                        break
                k += 1
        if not self.is_op(")", k=k):
            return False
        return self.is_op("-", "<-", "<", k=k + 1) or (
            k > 1 and self.peek(1).kind == "ident" and self.is_op(":", k=2)
        )
