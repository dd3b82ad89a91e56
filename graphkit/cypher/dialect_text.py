"""Pieces of the dialect bridge (:mod:`graphkit.cypher.dialect`): the rewritten text, the walk's state and helpers."""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphkit.cypher.lexer import Token, located, tokenize

__all__ = ["Translation", "RESULT_HIDDEN_PREFIX"]

#: Columns whose names start with this are the bridge's own (``RETURN *`` may show them).
RESULT_HIDDEN_PREFIX = "gk__"

#: Words after which a ``[`` opens a list, not an index.
_EXPR_KEYWORDS = frozenset(
    {
        "RETURN", "WITH", "IN", "WHEN", "THEN", "ELSE", "AND", "OR", "XOR", "NOT", "UNWIND",
        "DISTINCT", "BY", "WHERE", "CASE", "AS", "SKIP", "LIMIT", "MATCH", "OPTIONAL", "ORDER",
        "STARTS", "ENDS", "CONTAINS", "IS", "SET", "CREATE", "MERGE", "DELETE", "YIELD", "ON",
    }
)  # fmt: skip

#: Tokens that end the left operand of ``IN`` (looking back) at the same bracket depth.
LEFT_STOP_OPS = frozenset({",", "=", "<>", "<", ">", "<=", ">=", "=~", "|", ":", ";"})
LEFT_STOP_WORDS = _EXPR_KEYWORDS | {"END", "DESC", "ASC", "XOR"}

#: Words that end the right operand of ``IN`` (looking forward).
RIGHT_STOP_WORDS = LEFT_STOP_WORDS | {"UNION", "CALL", "DESCENDING", "ASCENDING"}

#: Words that start a clause (at bracket depth 0).
_CLAUSES = frozenset(
    {"MATCH", "OPTIONAL", "WITH", "RETURN", "UNWIND", "UNION", "CALL", "CREATE", "MERGE", "SET",
     "DELETE", "DETACH", "REMOVE", "FOREACH", "LOAD"}
)  # fmt: skip

AGGREGATES = frozenset(
    {"count", "sum", "avg", "min", "max", "collect", "percentilecont", "percentiledisc", "stdev", "stdevp"}
)

#: Functions renamed one to one (same arguments, Neo4j's semantics).
RENAMES = {
    "type": "label",
    "left": "gk_left",
    "right": "gk_right",
    "trim": "gk_trim",
    "ltrim": "gk_ltrim",
    "rtrim": "gk_rtrim",
    "toupper": "gk_upper",
    "tolower": "gk_lower",
    "upper": "gk_upper",
    "lower": "gk_lower",
    "log": "ln",
    "exp": "gk_exp",
    "rand": "random",
}

#: What a function returns, for the conversions that depend on their argument's type.
_RETURNS = {
    **dict.fromkeys(("count", "size", "length", "tointeger", "sign", "id"), "INT64"),
    **dict.fromkeys(
        ("avg", "tofloat", "sqrt", "round", "ceil", "floor", "log", "log10", "exp", "rand", "pi", "e",
         "percentilecont", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "radians", "degrees"),
        "DOUBLE",
    ),
    **dict.fromkeys(
        ("tostring", "substring", "left", "right", "trim", "ltrim", "rtrim", "toupper", "tolower",
         "replace", "type", "upper", "lower"),
        "STRING",
    ),
    **dict.fromkeys(("toboolean",), "BOOL"),
    **dict.fromkeys(("collect", "split", "range", "labels", "keys", "nodes", "relationships", "tail"), "LIST"),
}  # fmt: skip


@dataclass
class Translation:
    """Cypher rewritten for the embedded engine, with a map back to the original text."""

    text: str
    _starts: list[int] = field(default_factory=list)  # offset in text where each piece starts
    _origins: list[int] = field(default_factory=list)  # offset in the original of that piece
    _verbatim: list[bool] = field(default_factory=list)

    def original_offset(self, offset: int) -> int:
        """The offset in the original text of character ``offset`` of the rewritten text."""
        if not self._starts:
            return offset
        i = max(0, bisect.bisect_right(self._starts, offset) - 1)
        base = self._origins[i]
        return base + (offset - self._starts[i]) if self._verbatim[i] else base


class _Out:
    """Rewritten text as pieces; text can be put before an earlier piece (a function around it)."""

    def __init__(self) -> None:
        self.pieces: list[tuple[str, int, bool]] = []
        self.before: dict[int, list[tuple[str, int]]] = {}

    def add(self, text: str, origin: int, verbatim: bool = False) -> None:
        if text:
            self.pieces.append((text, origin, verbatim))

    def mark(self) -> int:
        return len(self.pieces)

    def wrap(self, at: int, text: str) -> None:
        """Put ``text`` before piece ``at``, outside whatever was put there before."""
        origin = self.pieces[at][1] if at < len(self.pieces) else (self.pieces[-1][1] if self.pieces else 0)
        self.before.setdefault(at, []).insert(0, (text, origin))

    def copy(self, a: int, b: int) -> list[tuple[str, int, bool]]:
        """Pieces ``a`` to ``b`` (with what was put before them) as new pieces."""
        out: list[tuple[str, int, bool]] = []
        for k in range(a, b):  # a copy keeps line numbers: its line breaks become spaces
            out.extend((text.replace("\n", " "), origin, False) for text, origin in self.before.get(k, []))
            text, origin, _ = self.pieces[k]
            out.append((text.replace("\n", " "), origin, False))
        return out

    def extend(self, pieces: list[tuple[str, int, bool]]) -> None:
        self.pieces.extend(pieces)

    def done(self) -> Translation:
        t = Translation("")
        parts: list[str] = []
        n = 0
        for k, (text, origin, verbatim) in enumerate(self.pieces):
            for pre, pre_origin in self.before.get(k, []):
                t._starts.append(n)
                t._origins.append(pre_origin)
                t._verbatim.append(False)
                parts.append(pre)
                n += len(pre)
            t._starts.append(n)
            t._origins.append(origin)
            t._verbatim.append(verbatim)
            parts.append(text)
            n += len(text)
        t.text = "".join(parts)
        return t


@dataclass(frozen=True)
class Ctx:
    renames: Mapping[str, str] = field(default_factory=dict)  # comprehension variable -> lambda variable
    in_lambda: bool = False
    shortest: str | None = None
    types: Mapping[str, str] = field(default_factory=dict)  # comprehension variable -> element type

    def inner(self, var: str, name: str, kind: str | None) -> Ctx:
        """The context inside a lambda over ``var`` (written ``name``), whose elements are of ``kind``."""
        types = {k: v for k, v in self.types.items() if k != var}
        if kind is not None:
            types[var] = kind
        return Ctx({**self.renames, var: name}, True, None, types)


@dataclass
class Level:
    atom: int  # piece where the current operand (a postfix chain) starts
    expr: int  # piece where the current IN operand starts


class Base:
    """The bridge's state and the helpers its rewritings share (the walk is :class:`graphkit.cypher.dialect._Bridge`)."""

    def __init__(
        self,
        text: str,
        file: str,
        params: Mapping[str, Any] | None,
        columns: Mapping[str, Mapping[str, str]] | None,
    ) -> None:
        self.text = text
        self.file = file
        self.params = dict(params or {})
        self.props = _property_types(columns or {})
        self.toks = tokenize(text)
        self.out = _Out()
        self.n = 0
        self.inserts = _with_clause_fixes(self.toks)
        for at, extra in _return_names(self.toks, text).items():
            self.inserts[at] = extra + self.inserts.get(at, "")

    def emit(self, i: int, end: int, ctx: Ctx) -> None:
        raise NotImplementedError

    def fresh(self, stem: str) -> str:
        self.n += 1
        return f"gk_{stem}{self.n}"

    def distinct_end(self) -> str:
        """``[1..N]`` with an N of its own: the engine's lambdas over the same list expression
        share their working vectors and answer wrongly (``list_transform(l, a -> size(a) > 3)``
        beside ``list_transform(l, b -> b = 'ab')`` gave all false), so each gets its own."""
        self.n += 1
        return f")[1..{_NO_END - self.n}]"

    def refuse(self, pos: int, message: str) -> None:
        raise located(self.file, self.text, pos, message)

    def pos(self, i: int) -> int:
        """The text offset of token ``i`` (the end of the text past the last token)."""
        if 0 <= i < len(self.toks):
            return self.toks[i].pos
        return len(self.text)

    def keep_lines(self, i0: int, i1: int, m: int) -> None:
        """Add the line breaks a rewriting of tokens ``i0..i1`` dropped, so that lines still match."""
        wanted = self.text[self.pos(i0) : self.pos(i1)].count("\n")
        have = sum(text.count("\n") for text, _, _ in self.out.pieces[m:])
        if have < wanted:
            self.out.add("\n" * (wanted - have), self.pos(min(i1, len(self.toks)) - 1))
        extra = have - wanted
        pieces = self.out.pieces
        for k in range(len(pieces) - 1, m - 1, -1):  # too many (a nested rewriting added some): drop ours
            if extra <= 0:
                break
            text, origin, verbatim = pieces[k]
            if not verbatim and "\n" in text:
                n = min(extra, text.count("\n"))
                pieces[k] = (text[::-1].replace("\n", " ", n)[::-1], origin, verbatim)
                extra -= n

    def sig(self, i: int, end: int) -> int:
        toks = self.toks
        end = min(end, len(toks))
        while i < end and toks[i].kind in ("ws", "comment"):
            i += 1
        return i

    def close(self, i: int, end: int) -> int:
        """Index of the bracket closing the one at ``i`` (or ``end`` if unbalanced)."""
        pairs = {"(": ")", "[": "]", "{": "}"}
        stack: list[str] = []
        for j in range(i, end):
            tok = self.toks[j]
            if tok.kind != "op":
                continue
            if tok.text in pairs:
                stack.append(pairs[tok.text])
            elif stack and tok.text == stack[-1]:
                stack.pop()
                if not stack:
                    return j
        return end

    def args(self, open_: int, close: int) -> list[tuple[int, int]]:
        """Token ranges of the arguments between brackets ``open_`` and ``close``."""
        out: list[tuple[int, int]] = []
        depth = 0
        start = open_ + 1
        for j in range(open_ + 1, close):
            tok = self.toks[j]
            if tok.kind == "op" and tok.text in "([{":
                depth += 1
            elif tok.kind == "op" and tok.text in ")]}":
                depth -= 1
            elif depth == 0 and tok.text == ",":
                out.append((start, j))
                start = j + 1
        if self.sig(start, close) < close or out:
            out.append((start, close))
        return out

    def part(self, a: int, b: int, ctx: Ctx) -> None:
        """Emit tokens ``a`` to ``b`` without the spaces around them."""
        toks = self.toks
        while a < b and toks[a].kind == "ws" and "\n" not in toks[a].text:
            a += 1
        while b > a and toks[b - 1].kind == "ws" and "\n" not in toks[b - 1].text:
            b -= 1
        self.emit(a, b, ctx)

    def sigs(self, a: int, b: int) -> list[Token]:
        return [t for t in self.toks[a:b] if t.kind not in ("ws", "comment")]

    def type_of(self, a: int, b: int, ctx: Ctx) -> str | None:
        """The engine type of the expression in tokens ``a`` to ``b`` when it can be told from the text."""
        s = self.sigs(a, b)
        if not s:
            return None
        if len(s) == 1:
            t = s[0]
            if t.kind == "string":
                return "STRING"
            if t.kind == "number":
                return "DOUBLE" if any(c in t.text for c in ".eE") else "INT64"
            if t.kind == "param":
                return _python_type(self.params.get(t.text[1:]))
            if t.kind == "ident" and t.text.lower() in ("true", "false"):
                return "BOOL"
            if t.kind == "ident" and t.text.lower() == "null":
                return "NULL"
            if t.kind == "ident":
                return ctx.types.get(t.text)
            return None
        if len(s) == 2 and s[0].text == "-" and s[1].kind == "number":
            return "DOUBLE" if any(c in s[1].text for c in ".eE") else "INT64"
        if len(s) == 3 and s[0].kind == "ident" and s[1].text == "." and s[2].kind == "ident":
            if s[0].text in ctx.renames:
                return None
            return self.props.get(s[2].text.strip("`"))
        if (
            s[0].text == "["
            and s[-1].text == "]"
            and self.close(self.toks.index(s[0], a), b) == self.toks.index(s[-1], a)
        ):
            return "LIST"
        if s[0].kind == "ident" and s[1].text == "(" and s[-1].text == ")":
            first = self.toks.index(s[1], a)
            if self.close(first, b) == self.toks.index(s[-1], a):
                return _RETURNS.get(s[0].text.lower())
        return None

    def element_type(self, a: int, b: int, ctx: Ctx) -> str | None:
        """The type of the elements of the list expression in tokens ``a`` to ``b``, when it can be told."""
        kind = self.type_of(a, b, ctx)
        if kind is not None and kind.endswith("[]"):
            return kind[:-2]
        s = self.sigs(a, b)
        if s and s[0].kind == "ident" and len(s) > 1 and s[1].text == "(":
            return {"range": "INT64", "split": "STRING", "labels": "STRING", "keys": "STRING"}.get(
                s[0].text.lower()
            )
        if len(s) == 1 and s[0].kind == "param":
            value = self.params.get(s[0].text[1:])
            kinds = {_python_type(v) for v in value} if isinstance(value, list | tuple) else set()
            return next(iter(kinds)) if len(kinds) == 1 else None
        if kind == "LIST" and s:
            items = self.args(self.toks.index(s[0], a), self.toks.index(s[-1], a))
            kinds = {self.type_of(x, y, ctx) for x, y in items}
            return next(iter(kinds)) if len(kinds) == 1 else None
        return None

    def snapshot_part(self, a: int, b: int, ctx: Ctx) -> list[tuple[str, int, bool]]:
        m = self.out.mark()
        self.part(a, b, ctx)
        return self.out.copy(m, self.out.mark())

    # ------------------------------------------------------------------ the walk

    def comprehension_parts(self, kw_in: int, close: int) -> tuple[int | None, int | None]:
        """Indices of the ``WHERE`` and ``|`` of a comprehension (or None)."""
        where = bar = None
        depth = 0
        for j in range(kw_in + 1, close):
            tok = self.toks[j]
            if tok.kind == "op" and tok.text in "([{":
                depth += 1
            elif tok.kind == "op" and tok.text in ")]}":
                depth -= 1
            elif (
                depth == 0
                and tok.kind == "ident"
                and tok.text.lower() == "where"
                and where is None
                and bar is None
            ):
                where = j
            elif depth == 0 and tok.kind == "op" and tok.text == "|" and bar is None:
                bar = j
        return where, bar


_NO_END = 2**62 - 1  # a slice end past any list: the slice keeps everything

VARLEN = re.compile(r"^\s*(\d+)?\s*(?:(\.\.)\s*(\d+)?)?\s*$")


def is_keyword(tok: Token) -> bool:
    return tok.kind == "ident" and not tok.text.startswith("`") and tok.text.upper() in _EXPR_KEYWORDS


def ends_operand(tok: Token) -> bool:
    """Whether a ``[`` right after ``tok`` subscripts it (rather than opening a list)."""
    if tok.kind in ("param", "string", "number"):
        return True
    if tok.kind == "ident":
        return not is_keyword(tok)
    return tok.text in (")", "]", "}")


def in_map(toks: list[Token], i: int) -> bool:
    """Whether token ``i`` sits directly inside ``{...}``."""
    depth = 0
    for j in range(i - 1, -1, -1):
        t = toks[j]
        if t.kind != "op":
            continue
        if t.text in ")]}":
            depth += 1
        elif t.text in "([{":
            if depth == 0:
                return t.text == "{"
            depth -= 1
    return False


def _python_type(value: Any) -> str | None:
    import datetime as dt

    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "BOOL"
    if isinstance(value, int):
        return "INT64"
    if isinstance(value, float):
        return "DOUBLE"
    if isinstance(value, str):
        return "STRING"
    if isinstance(value, list | tuple):
        return "LIST"
    if isinstance(value, dt.date):
        return "DATE"
    return None


def _property_types(columns: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """Property name -> engine type, for the properties whose type is the same in every table."""
    seen: dict[str, set[str]] = {}
    for cols in columns.values():
        for name, kind in cols.items():
            seen.setdefault(name, set()).add(str(kind).upper())
    return {name: next(iter(kinds)) for name, kinds in seen.items() if len(kinds) == 1}


def _with_clause_fixes(toks: list[Token]) -> dict[int, str]:
    """Text to put before token indices so that ``WITH ... ORDER BY / SKIP / LIMIT`` keeps Neo4j's meaning.

    The engine refuses ``ORDER BY`` in ``WITH`` without ``SKIP``/``LIMIT`` (``SKIP 0`` is
    added), and when the next clause aggregates without grouping keys it applies the limit
    to unsorted rows (measured with ladybug 0.22: ``UNWIND [5,3,9,1] AS x WITH x ORDER BY
    x LIMIT 3 RETURN sum(x)`` gave 17, not 9); an ``UNWIND [0] AS gk__uN`` after the
    clause makes it sort first.
    """
    sig = [(k, t) for k, t in enumerate(toks) if t.kind not in ("ws", "comment")]
    depth = 0
    top: list[tuple[int, Token]] = []  # depth-0 words, with their position in sig
    for n, (_k, t) in enumerate(sig):
        if t.kind == "op" and t.text in "([{":
            depth += 1
        elif t.kind == "op" and t.text in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0 and t.kind == "ident" and not t.text.startswith("`"):
            prev = sig[n - 1][1].text if n else ""
            if prev in (".", ":", "$"):
                continue
            if t.text.upper() == "WITH" and prev.upper() in ("STARTS", "ENDS"):
                continue  # the string predicate, not the clause
            top.append((n, t))
    inserts: dict[int, str] = {}
    count = 0
    for idx, (n, t) in enumerate(top):
        if t.text.upper() != "WITH":
            continue
        words = []
        end_tok = len(toks)
        for n2, t2 in top[idx + 1 :]:
            up = t2.text.upper()
            if up in _CLAUSES:
                end_tok = sig[n2][0]
                break
            words.append((n2, up))
        names = [w for _, w in words]
        has_order = any(
            w == "ORDER" and k + 1 < len(names) and names[k + 1] == "BY" for k, w in enumerate(names)
        )
        has_page = "SKIP" in names or "LIMIT" in names
        if not (has_order or has_page):
            continue
        if has_order and not has_page:
            where = next((sig[n2][0] for n2, w in words if w == "WHERE" and n2 > n), None)
            order_at = next(sig[n2][0] for n2, w in words if w == "ORDER")
            at = where if where is not None and where > order_at else end_tok
            inserts[at] = inserts.get(at, "") + " SKIP 0 "
        count += 1
        inserts[end_tok] = inserts.get(end_tok, "") + f" UNWIND [0] AS {RESULT_HIDDEN_PREFIX}u{count} "
    return inserts


def _return_names(toks: list[Token], text: str) -> dict[int, str]:
    """``AS `...``` for every unnamed ``RETURN`` item: Neo4j names the column by the item's text.

    (``RETURN a.kind, count(*)`` has the columns ``a.kind`` and ``count(*)`` on Neo4j; the
    engine would call the second ``COUNT_STAR()``.)
    """
    inserts: dict[int, str] = {}
    sig = [k for k, t in enumerate(toks) if t.kind not in ("ws", "comment")]
    depth = 0
    n = 0
    while n < len(sig):
        t = toks[sig[n]]
        if t.kind == "op" and t.text in "([{":
            depth += 1
        elif t.kind == "op" and t.text in ")]}":
            depth = max(0, depth - 1)
        elif (
            depth == 0
            and t.kind == "ident"
            and t.text.upper() == "RETURN"
            and (n == 0 or toks[sig[n - 1]].text != ".")
        ):
            n += 1
            if n < len(sig) and toks[sig[n]].text.upper() == "DISTINCT":
                n += 1
            item: list[int] = []
            d = 0
            while n <= len(sig):
                k = sig[n] if n < len(sig) else None
                tok = toks[k] if k is not None else None
                ends = tok is None or (
                    d == 0
                    and (
                        tok.text == ","
                        or tok.text == ";"
                        or (tok.kind == "ident" and tok.text.upper() in ("ORDER", "SKIP", "LIMIT", "UNION"))
                    )
                )
                if ends:
                    words = [toks[j].text.upper() for j in item]
                    has_as = any(
                        w == "AS" for w, j in zip(words, item, strict=True) if toks[j].kind == "ident"
                    )
                    if item and not has_as and words != ["*"]:
                        name = text[toks[item[0]].pos : toks[item[-1]].pos + len(toks[item[-1]].text)]
                        if "\n" not in name:
                            at = item[-1] + 1
                            inserts[at] = inserts.get(at, "") + " AS `" + name.replace("`", "``") + "`"
                    item = []
                    if tok is None or tok.text != ",":
                        break
                    n += 1
                    continue
                assert tok is not None and k is not None  # not the end: ``ends`` holds there
                if tok.kind == "op" and tok.text in "([{":
                    d += 1
                elif tok.kind == "op" and tok.text in ")]}":
                    d -= 1
                item.append(k)
                n += 1
            continue
        n += 1
    return inserts
