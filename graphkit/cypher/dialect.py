"""The one dialect bridge: Neo4j-dialect Cypher rewritten for the embedded engine.

Query files are written in the Cypher that Neo4j 5 accepts. The embedded engine (ladybug
0.22, the maintained fork of Kùzu) spells some constructs differently and answers others
differently; :func:`to_embedded` rewrites each such construct so that the embedded
answer is Neo4j's, and refuses (a :class:`~graphkit.errors.QueryError` naming the file,
line, column, the construct and what to write instead) what it cannot answer as Neo4j
would. It is the only place in graphkit where the dialects differ. ``docs/cypher.md``
lists every bridged and refused construct with the Neo4j documentation it follows;
``tests/cypher/test_parity.py`` runs standard queries on both engines and compares.

Bridged (rewritten; the ``gk_*`` functions are :mod:`graphkit.cypher.dialect_functions`):

====================================================  ==========================================
Neo4j                                                 embedded engine
====================================================  ==========================================
``type(r)`` / ``labels(n)``                           ``label(r)`` / ``[label(n)]``
``shortestPath`` / ``allShortestPaths``, ``*1..k``    ``* SHORTEST`` / ``* ALL SHORTEST``, ``* TRAIL``
``list[i]`` (0-based, negative from the end,          ``list_extract(list, gk_position(size(list), i))``
out of range null)
``list[a..b]`` (0-based, end excluded)                ``list[a+1..b]`` (1-based, end included)
``head`` / ``last`` / ``tail``                        positions as above / ``(list)[2..]``
``[x IN l WHERE p | e]``                              ``list_transform`` over ``gk_where`` positions
``size([x IN l WHERE p])``                            ``gk_count_true(list_transform(l, x -> p))``
``any`` / ``all`` / ``none`` / ``single``             ``gk_any`` ... over ``list_transform``
``x IN list`` when the list may hold null or be []    ``gk_in`` / ``gk_true_or_null`` / ...
``substring`` (0-based), ``left``, ``right``          ``gk_substring2/3``, ``gk_left``, ``gk_right``
``split`` (one delimiter), ``trim`` ... ``rtrim``      ``gk_split``, ``gk_trim`` ...
``toUpper`` / ``toLower``                             ``gk_upper`` / ``gk_lower``
``toInteger`` ``toFloat`` ``toString`` ``toBoolean``  by argument type, else ``gk_to_*``
``round(x[, p[, mode]])``                             ``gk_round1/2/3``
``log`` ``exp`` ``e()`` ``rand()``                    ``ln`` ``gk_exp`` ``2.718281828459045`` ``random()``
``ceil`` / ``floor`` (always a float)                 ``to_double(ceil(x))`` ...
``sum`` (0 over no rows)                              ``coalesce(sum(x), 0)``
``WITH ... ORDER BY ... [SKIP/LIMIT]``                ``... SKIP 0`` and ``UNWIND [0] AS gk__uN``
``AS name``                                           ``AS `name``` (ladybug reserves all, none ...)
====================================================  ==========================================

Refused (with the Neo4j-side alternative): ``CASE`` inside a list comprehension or list
predicate, a ``WHERE`` comprehension over an aggregate, ``reduce()``, ``reverse()`` /
type conversions of an expression whose type cannot be told before the query runs
(inside a comprehension), ``split()`` with a list of delimiters, ``id()`` / ``elementId()``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphkit.cypher.lexer import Token, located, tokenize

__all__ = ["Translation", "to_embedded", "RESULT_HIDDEN_PREFIX"]

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
_LEFT_STOP_OPS = frozenset({",", "=", "<>", "<", ">", "<=", ">=", "=~", "|", ":", ";"})
_LEFT_STOP_WORDS = _EXPR_KEYWORDS | {"END", "DESC", "ASC", "XOR"}

#: Words that end the right operand of ``IN`` (looking forward).
_RIGHT_STOP_WORDS = _LEFT_STOP_WORDS | {"UNION", "CALL", "DESCENDING", "ASCENDING"}

#: Words that start a clause (at bracket depth 0).
_CLAUSES = frozenset(
    {"MATCH", "OPTIONAL", "WITH", "RETURN", "UNWIND", "UNION", "CALL", "CREATE", "MERGE", "SET",
     "DELETE", "DETACH", "REMOVE", "FOREACH", "LOAD"}
)  # fmt: skip

_AGGREGATES = frozenset(
    {"count", "sum", "avg", "min", "max", "collect", "percentilecont", "percentiledisc", "stdev", "stdevp"}
)

#: Functions renamed one to one (same arguments, Neo4j's semantics).
_RENAMES = {
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
class _Ctx:
    renames: Mapping[str, str] = field(default_factory=dict)  # comprehension variable -> lambda variable
    in_lambda: bool = False
    shortest: str | None = None
    types: Mapping[str, str] = field(default_factory=dict)  # comprehension variable -> element type

    def inner(self, var: str, name: str, kind: str | None) -> _Ctx:
        """The context inside a lambda over ``var`` (written ``name``), whose elements are of ``kind``."""
        types = {k: v for k, v in self.types.items() if k != var}
        if kind is not None:
            types[var] = kind
        return _Ctx({**self.renames, var: name}, True, None, types)


@dataclass
class _Level:
    atom: int  # piece where the current operand (a postfix chain) starts
    expr: int  # piece where the current IN operand starts


def to_embedded(
    text: str,
    *,
    file: str = "<query>",
    params: Mapping[str, Any] | None = None,
    columns: Mapping[str, Mapping[str, str]] | None = None,
) -> Translation:
    """Rewrite Neo4j-dialect Cypher for the embedded engine (see the module docstring).

    ``params`` (the values the query will run with) and ``columns`` (the database's
    property types, ``{table: {property: type}}``) let the bridge pick the rewriting that
    fits a value's type. Comments become spaces and line breaks are kept, so a line number
    in the rewritten text is the line number in the original.

    Raises
    ------
    QueryError
        For a construct the embedded engine cannot answer as Neo4j would, naming
        ``file:line:column``, the construct and what to write instead.

    Examples
    --------
    >>> to_embedded("MATCH p = shortestPath((a)-[:T*..4]-(b)) RETURN type(r) AS t").text
    'MATCH p = (a)-[:T* SHORTEST 1..4]-(b) RETURN label(r) AS `t`'
    >>> to_embedded("RETURN substring('hello', 0, 3) AS s, [1, 2, 3][-1] AS x").text
    "RETURN gk_substring3('hello', 0, 3) AS `s`, list_extract([1, 2, 3], gk_position(size([1, 2, 3]), -1)) AS `x`"
    """
    return _Bridge(text, file, params, columns).run()


class _Bridge:
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

    def run(self) -> Translation:
        self.emit(0, len(self.toks), _Ctx())
        if len(self.toks) in self.inserts:
            self.out.add(self.inserts.pop(len(self.toks)), len(self.text))
        return self.out.done()

    # ------------------------------------------------------------------ helpers

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

    def part(self, a: int, b: int, ctx: _Ctx) -> None:
        """Emit tokens ``a`` to ``b`` without the spaces around them."""
        toks = self.toks
        while a < b and toks[a].kind == "ws" and "\n" not in toks[a].text:
            a += 1
        while b > a and toks[b - 1].kind == "ws" and "\n" not in toks[b - 1].text:
            b -= 1
        self.emit(a, b, ctx)

    def sigs(self, a: int, b: int) -> list[Token]:
        return [t for t in self.toks[a:b] if t.kind not in ("ws", "comment")]

    def type_of(self, a: int, b: int, ctx: _Ctx) -> str | None:
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

    def element_type(self, a: int, b: int, ctx: _Ctx) -> str | None:
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

    def snapshot_part(self, a: int, b: int, ctx: _Ctx) -> list[tuple[str, int, bool]]:
        m = self.out.mark()
        self.part(a, b, ctx)
        return self.out.copy(m, self.out.mark())

    # ------------------------------------------------------------------ the walk

    def emit(self, i: int, end: int, ctx: _Ctx) -> None:
        toks, out = self.toks, self.out
        end = min(end, len(toks))
        prev: Token | None = None  # previous significant token
        levels = [_Level(out.mark(), out.mark())]
        while i < end:
            if i in self.inserts:
                out.add(self.inserts.pop(i), self.pos(i))
            t = toks[i]
            if t.kind == "comment":
                out.add(re.sub(r"[^\n]", " ", t.text), t.pos, True)
                i += 1
                continue
            if t.kind == "ws":
                out.add(t.text, t.pos, True)
                i += 1
                continue
            nxt = self.sig(i + 1, end)
            low = t.text.lower()
            after_dot = prev is not None and prev.text in (".", ":")
            is_call = t.kind == "ident" and not after_dot and nxt < end and toks[nxt].text == "("
            is_word = t.kind == "ident" and not t.text.startswith("`") and not after_dot
            if is_word and t.text.upper() in _LEFT_STOP_WORDS:
                if ctx.in_lambda and low == "case":
                    self.refuse(
                        t.pos,
                        "CASE inside a list comprehension or list predicate (any/all/none/single) is refused: "
                        "the embedded engine evaluates CASE inside its list functions wrongly. Instead UNWIND "
                        "the list and use CASE on its rows (UNWIND list AS x ... collect(CASE ... END)), "
                        "which Neo4j runs too",
                    )
                if low == "in":
                    m0, i0 = out.mark(), i
                    i = self.membership(i, end, levels[-1], ctx)
                    self.keep_lines(i0, i, m0)
                    prev = next(
                        (toks[k] for k in range(i - 1, -1, -1) if toks[k].kind not in ("ws", "comment")), t
                    )
                    continue
                out.add(t.text, t.pos, True)
                if (
                    low == "as"
                    and nxt < end
                    and toks[nxt].kind == "ident"
                    and not toks[nxt].text.startswith("`")
                ):
                    for k in range(i + 1, nxt):
                        out.add(toks[k].text, self.pos(k), True)
                    out.add(f"`{toks[nxt].text}`", self.pos(nxt), False)
                    levels[-1].expr = levels[-1].atom = out.mark()
                    prev, i = toks[nxt], nxt + 1
                    continue
                levels[-1].expr = levels[-1].atom = out.mark()
                prev, i = t, i + 1
                continue
            is_map_key = nxt < end and toks[nxt].text == ":" and _in_map(toks, i)
            if t.kind == "ident" and not after_dot and t.text in ctx.renames and not is_map_key:
                levels[-1].atom = out.mark()
                out.add(ctx.renames[t.text], t.pos, False)
                prev, i = t, i + 1
                continue
            if is_call:
                levels[-1].atom = out.mark()
                close = self.close(nxt, end)
                m0 = out.mark()
                if self.call(t, low, nxt, close, end, ctx):
                    self.keep_lines(i, close + 1, m0)
                    prev, i = toks[min(close, end - 1)], close + 1
                    continue
            if t.kind == "op" and t.text == "[":
                close = self.close(i, end)
                postfix = prev is not None and _ends_operand(prev)
                j = self.sig(i + 1, close)
                k = self.sig(j + 1, close)
                if (
                    not postfix
                    and j < close
                    and toks[j].kind == "ident"
                    and not toks[j].text.startswith("`")
                    and k < close
                    and toks[k].text.lower() == "in"
                ):
                    levels[-1].atom = out.mark()
                    m0 = out.mark()
                    self.comprehension(i, j, k, close, ctx)
                    self.keep_lines(i, close + 1, m0)
                    prev, i = toks[min(close, end - 1)], close + 1
                    continue
                if prev is not None and prev.text in ("-", "<-"):
                    self.relationship(i, close, ctx)
                    prev, i = toks[min(close, end - 1)], close + 1
                    continue
                if postfix:
                    m0 = out.mark()
                    self.subscript(i, close, levels[-1].atom, ctx)
                    self.keep_lines(i, close + 1, m0)
                    prev, i = toks[min(close, end - 1)], close + 1
                    continue
            # anything else, as written
            if t.kind == "op" and t.text in "([{":
                if not (
                    t.text == "(" and prev is not None and prev.kind == "ident" and not _is_keyword(prev)
                ):
                    levels[-1].atom = out.mark()
                out.add(t.text, t.pos, True)
                levels.append(_Level(out.mark(), out.mark()))
            elif t.kind == "op" and t.text in ")]}":
                if len(levels) > 1:
                    levels.pop()
                out.add(t.text, t.pos, True)
            else:
                if t.kind in ("ident", "param", "string", "number") and not after_dot and t.text != ".":
                    levels[-1].atom = out.mark()
                out.add(t.text, t.pos, True)
                if t.kind == "op" and t.text in _LEFT_STOP_OPS:
                    levels[-1].expr = levels[-1].atom = out.mark()
            prev = t
            i += 1

    # ------------------------------------------------------------------ function calls

    def call(self, t: Token, low: str, open_: int, close: int, end: int, ctx: _Ctx) -> bool:
        """Rewrite the call ``t(...)``; False when it stays as written."""
        out = self.out
        args = self.args(open_, close)
        endpos = self.pos(min(close, end - 1))

        def emit_args(name: str, ranges: list[tuple[int, int]] | None = None) -> None:
            out.add(name + "(", t.pos)
            for n, (a, b) in enumerate(args if ranges is None else ranges):
                if n:
                    out.add(", ", self.pos(a))
                self.part(a, b, ctx)
            out.add(")", endpos)

        if low in ("shortestpath", "allshortestpaths"):
            kind = "SHORTEST" if low == "shortestpath" else "ALL SHORTEST"
            self.emit(open_ + 1, close, _Ctx(ctx.renames, ctx.in_lambda, kind, ctx.types))
            return True
        if low == "labels" and len(args) == 1:
            out.add("[label(", t.pos)
            self.part(*args[0], ctx)
            out.add(")]", endpos)
            return True
        if low in ("id", "elementid"):
            self.refuse(
                t.pos,
                f"{t.text}() is refused: the embedded engine's internal ids are not Neo4j's; "
                "use the node's id property (n.id), which both engines hold",
            )
        if low == "reduce":
            self.refuse(
                t.pos,
                "reduce() is refused: the embedded engine has no reduce with a starting value; "
                "UNWIND the list and aggregate (sum, collect ...) instead, which Neo4j runs too",
            )
        if low in ("head", "last") and len(args) == 1:
            m = out.mark()
            copy = self.snapshot_part(*args[0], ctx)
            out.wrap(m, "list_extract(")
            out.add(", gk_position(size(", endpos)
            out.extend(copy)
            out.add(f"), {0 if low == 'head' else -1}))", endpos)
            return True
        if low == "tail" and len(args) == 1:
            out.add("(", t.pos)
            self.part(*args[0], ctx)
            out.add(")[2..]", endpos)
            return True
        if low == "substring" and len(args) in (2, 3):
            emit_args(f"gk_substring{len(args)}")
            return True
        if low == "split" and len(args) == 2:
            if self.type_of(*args[1], ctx) == "LIST":
                self.refuse(
                    t.pos,
                    "split() with a list of delimiters is refused by the embedded engine; "
                    "split by one delimiter (replace() the others by it first), which Neo4j runs too",
                )
            emit_args("gk_split")
            return True
        if low == "round" and 1 <= len(args) <= 3:
            emit_args(f"gk_round{len(args)}")
            return True
        if low == "e" and not args:
            out.add("2.718281828459045", t.pos)
            return True
        if low in ("ceil", "floor") and len(args) == 1:
            out.add(f"to_double({low}(", t.pos)
            self.part(*args[0], ctx)
            out.add("))", endpos)
            return True
        if low == "sum" and args:
            out.add("coalesce(sum(", t.pos)
            for n, (a, b) in enumerate(args):
                if n:
                    out.add(", ", self.pos(a))
                self.part(a, b, ctx)
            out.add("), 0)", endpos)
            return True
        if low in ("tointeger", "tofloat", "tostring", "toboolean") and len(args) == 1:
            self.conversion(t, low, args[0], endpos, ctx)
            return True
        if low == "reverse" and len(args) == 1:
            rtype = self.type_of(*args[0], ctx)
            if rtype == "STRING":
                emit_args("reverse")
            elif rtype is not None and (rtype == "LIST" or rtype.endswith("]")):
                emit_args("list_reverse")
            else:
                self.refuse(
                    t.pos,
                    "reverse() of an expression whose type (string or list) cannot be told before the query "
                    "runs is refused: the embedded engine would reverse a list's text. Apply reverse() to a "
                    "string or list property, literal or parameter, or to split(...) / collect(...)",
                )
            return True
        if low == "size" and len(args) == 1:
            a, b = args[0]
            s = self.sigs(a, b)
            if s and s[0].text == "[":
                first = self.toks.index(s[0], a)
                last = self.close(first, b)
                j = self.sig(first + 1, last)
                k = self.sig(j + 1, last)
                if (
                    self.sig(last + 1, b) >= b
                    and j < last
                    and self.toks[j].kind == "ident"
                    and k < last
                    and self.toks[k].text.lower() == "in"
                ):
                    where, bar = self.comprehension_parts(k, last)
                    if where is not None and bar is None:
                        v = self.fresh("v")
                        inner = ctx.inner(self.toks[j].text, v, self.element_type(k + 1, where, ctx))
                        out.add("gk_count_true(list_transform((", t.pos)
                        self.part(k + 1, where, ctx)
                        out.add(self.distinct_end() + f", {v} -> ", self.pos(where))
                        self.part(where + 1, last, inner)
                        out.add("))", endpos)
                        return True
            return False
        if low in ("any", "all", "none", "single") and len(args) == 1:
            a, b = args[0]
            j = self.sig(a, b)
            k = self.sig(j + 1, b)
            if j < b and self.toks[j].kind == "ident" and k < b and self.toks[k].text.lower() == "in":
                where, bar = self.comprehension_parts(k, b)
                if where is not None and bar is None:
                    v = self.fresh("v")
                    inner = ctx.inner(self.toks[j].text, v, self.element_type(k + 1, where, ctx))
                    out.add(f"gk_{low}(list_transform((", t.pos)
                    self.part(k + 1, where, ctx)
                    out.add(self.distinct_end() + f", {v} -> ", self.pos(where))
                    self.part(where + 1, b, inner)
                    out.add("))", endpos)
                    return True
            return False
        if low in _RENAMES:
            emit_args(_RENAMES[low])
            return True
        return False

    def conversion(self, t: Token, low: str, arg: tuple[int, int], endpos: int, ctx: _Ctx) -> None:
        """toInteger / toFloat / toString / toBoolean with Neo4j's semantics for the argument's type."""
        out = self.out
        kind = self.type_of(*arg, ctx)
        if kind is not None and kind.startswith(("INT", "UINT", "SERIAL")):
            kind = "INT64"
        if kind is not None and kind.endswith("]"):
            kind = "LIST"
        by_type = {
            "tointeger": {"INT64": "", "DOUBLE": "gk_float_to_integer", "STRING": "gk_string_to_integer",
                          "BOOL": "gk_bool_to_integer"},
            "tofloat": {"INT64": "to_double", "DOUBLE": "", "STRING": "gk_string_to_float"},
            "tostring": {"INT64": "to_string", "DOUBLE": "gk_float_to_string", "STRING": "",
                         "BOOL": "gk_bool_to_string", "DATE": "to_string"},
            "toboolean": {"BOOL": "", "STRING": "gk_string_to_boolean"},
        }[low]  # fmt: skip
        if kind == "NULL":
            out.add({"tointeger": "gk_string_to_integer", "tofloat": "gk_string_to_float",
                     "tostring": "gk_bool_to_string", "toboolean": "gk_string_to_boolean"}[low] + "(NULL)", t.pos)  # fmt: skip
            return
        if kind in by_type:
            out.add(by_type[kind] + "(", t.pos)
            self.part(*arg, ctx)
            out.add(")", endpos)
            return
        if low == "toboolean" and kind == "INT64":
            out.add("((", t.pos)
            self.part(*arg, ctx)
            out.add(") <> 0)", endpos)
            return
        if kind is not None:
            self.refuse(t.pos, f"{t.text}() of a {kind.lower()} is refused: Neo4j raises an error for it")
        if ctx.in_lambda:
            self.refuse(
                t.pos,
                f"{t.text}() of an expression whose type cannot be told before the query runs is refused "
                "inside a list comprehension or list predicate (the embedded engine cannot pick the "
                "conversion there); convert a property, literal or parameter, or UNWIND the list first",
            )
        m = out.mark()
        self.part(*arg, ctx)
        e = out.copy(m, out.mark())
        name = {"tointeger": "gk_to_integer", "tofloat": "gk_to_float", "tostring": "gk_to_string",
                "toboolean": "gk_to_boolean"}[low]  # fmt: skip
        out.wrap(m, f"{name}(to_string(")
        if low == "toboolean":
            out.add("), typeof(", endpos)
            out.extend(e)
            out.add("))", endpos)
            return
        out.add("), to_double(CASE WHEN typeof(", endpos)
        out.extend(e)
        out.add(") IN ['DOUBLE', 'FLOAT'] THEN ", endpos)
        out.extend(e)
        out.add(" END), typeof(", endpos)
        out.extend(e)
        out.add("))", endpos)

    # ------------------------------------------------------------------ lists

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

    def comprehension(self, i: int, var: int, kw_in: int, close: int, ctx: _Ctx) -> None:
        """``[x IN list WHERE cond | expr]`` without the engine's list_filter (wrong under a WHERE clause)."""
        out, toks = self.out, self.toks
        where, bar = self.comprehension_parts(kw_in, close)
        x = toks[var].text
        src_end = where if where is not None else bar if bar is not None else close
        pos = self.pos(i)
        if where is None:
            if bar is None:
                out.add("(", pos)
                self.part(kw_in + 1, src_end, ctx)
                out.add(")", pos)
                return
            v = self.fresh("v")
            out.add("list_transform((", pos)
            self.part(kw_in + 1, src_end, ctx)
            out.add(self.distinct_end() + f", {v} -> ", self.pos(bar))
            self.part(bar + 1, close, ctx.inner(x, v, self.element_type(kw_in + 1, src_end, ctx)))
            out.add(")", self.pos(bar))
            return
        for tok in self.sigs(kw_in + 1, where):
            if tok.kind == "ident" and tok.text.lower() in _AGGREGATES:
                self.refuse(
                    tok.pos,
                    f"a list comprehension with WHERE over an aggregate ({tok.text}(...)) is refused by the "
                    "embedded engine; aggregate first: WITH collect(...) AS xs RETURN [x IN xs WHERE ...]",
                )
        # the kept positions, then the elements at them: one level of lambdas over the row, as
        # the engine mixes rows up when a lambda that reads the row is nested in another's list
        v, p = self.fresh("v"), self.fresh("i")
        out.add("list_transform((gk_where(list_transform((", pos)
        source = self.snapshot_part(kw_in + 1, where, ctx)
        out.add(self.distinct_end() + f", {v} -> ", self.pos(where))
        kind = self.element_type(kw_in + 1, where, ctx)
        self.part(where + 1, bar if bar is not None else close, ctx.inner(x, v, kind))
        out.add("))" + self.distinct_end() + f", {p} -> ", self.pos(where))
        element = "((" + "".join(text for text, _, _ in source) + f")[{p}])"
        if bar is None:
            out.add(element, self.pos(where))
        else:
            self.part(bar + 1, close, ctx.inner(x, element, kind))
        out.add(")", self.pos(where))

    def subscript(self, i: int, close: int, subject: int, ctx: _Ctx) -> None:
        """``x[i]`` and ``x[a..b]`` after an operand that starts at piece ``subject``."""
        out, toks = self.out, self.toks
        dots = None
        depth = 0
        for j in range(i + 1, close):
            tok = toks[j]
            if tok.kind == "op" and tok.text in "([{":
                depth += 1
            elif tok.kind == "op" and tok.text in ")]}":
                depth -= 1
            elif depth == 0 and tok.text == "..":
                dots = j
                break
        if dots is None:
            s = self.sigs(i + 1, close)
            is_key = len(s) == 1 and (
                s[0].kind == "string"
                or (s[0].kind == "param" and isinstance(self.params.get(s[0].text[1:]), str))
            )
            if is_key or not s:  # a map key: as written
                self.emit(i, close + 1, ctx)
                return
            subject_copy = out.copy(subject, out.mark())
            out.wrap(subject, "list_extract(")
            out.add(", gk_position(size(", self.pos(i))
            out.extend(subject_copy)
            out.add("), ", self.pos(i))
            self.part(i + 1, close, ctx)
            out.add("))", self.pos(close) if close < len(toks) else self.pos(-1))
            return
        out.add("[", self.pos(i))
        self.bound(i + 1, dots, "gk_slice_from", lambda k: k + 1 if k >= 0 else k, ctx)
        out.add("..", self.pos(dots))
        self.bound(dots + 1, close, "gk_slice_to", lambda k: k if k >= 0 else k - 1, ctx)
        out.add("]", self.pos(close) if close < len(toks) else self.pos(-1))

    def bound(self, a: int, b: int, udf: str, literal: Any, ctx: _Ctx) -> None:
        s = self.sigs(a, b)
        if not s:
            return
        text = "".join(t.text for t in s)
        if re.fullmatch(r"-?\d+", text):
            self.out.add(str(literal(int(text))), s[0].pos)
            return
        self.out.add(f"{udf}(", s[0].pos)
        self.part(a, b, ctx)
        self.out.add(")", s[-1].pos)

    def membership(self, i: int, end: int, level: _Level, ctx: _Ctx) -> int:
        """``x IN list`` with Neo4j's nulls (2 IN [1, null] is null; null IN [] is false)."""
        out, toks = self.out, self.toks
        t = toks[i]
        a = self.sig(i + 1, end)
        b = self.operand_end(a, end)
        kind = self.list_kind(a, b)
        lhs = level.expr
        while lhs < out.mark() and out.pieces[lhs][0].isspace():
            lhs += 1
        if kind == "plain" or lhs >= out.mark():
            out.add(t.text, t.pos, True)
            level.expr = level.atom = out.mark()
            return i + 1
        if kind in ("has_null", "empty"):
            out.wrap(lhs, "gk_true_or_null(" if kind == "has_null" else "gk_false_if_null(")
            out.add(t.text, t.pos, True)
            for k in range(i + 1, a):
                out.add(toks[k].text, self.pos(k), True)
            self.part(a, b, ctx)
            out.add(")", self.pos(b - 1))
            return b
        left = out.copy(lhs, out.mark())
        out.add(t.text, t.pos, True)
        for k in range(i + 1, a):
            out.add(toks[k].text, self.pos(k), True)
        right = self.snapshot_part(a, b, ctx)
        v = self.fresh("v")
        out.wrap(lhs, "gk_in(")
        out.add(", (", self.pos(b - 1))
        out.extend(left)
        out.add(") IS NULL, list_transform((", self.pos(b - 1))
        out.extend(right)
        out.add(self.distinct_end() + f", {v} -> {v} IS NULL))", self.pos(b - 1))
        return b

    def operand_end(self, a: int, end: int) -> int:
        """End (exclusive, without trailing spaces) of the right operand of IN starting at ``a``."""
        toks = self.toks
        depth = 0
        last = a
        j = a
        while j < end:
            tok = toks[j]
            if tok.kind in ("ws", "comment"):
                j += 1
                continue
            if tok.kind == "op" and tok.text in "([{":
                depth += 1
            elif tok.kind == "op" and tok.text in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (
                (tok.kind == "op" and tok.text in _LEFT_STOP_OPS)
                or (tok.kind == "ident" and tok.text.upper() in _RIGHT_STOP_WORDS)
            ):
                break
            j += 1
            last = j
        return last

    def list_kind(self, a: int, b: int) -> str:
        """plain (engine and Neo4j agree), has_null, empty or dynamic, for the list in tokens a..b."""
        s = self.sigs(a, b)
        if len(s) == 1 and s[0].kind == "param":
            value = self.params.get(s[0].text[1:])
            if isinstance(value, list | tuple):
                if not value:
                    return "empty"
                return "has_null" if any(v is None for v in value) else "plain"
            return "plain"
        if s and s[0].text == "[" and s[-1].text == "]":
            first = self.toks.index(s[0], a)
            if self.close(first, b) != self.toks.index(s[-1], a):
                return "dynamic"
            items = self.args(first, self.toks.index(s[-1], a))
            if not items:
                return "empty"
            has_null = False
            for x, y in items:
                its = self.sigs(x, y)
                words = "".join(t.text for t in its)
                if len(its) == 1 and its[0].kind == "ident" and its[0].text.lower() == "null":
                    has_null = True
                elif len(its) == 1 and its[0].kind == "param":
                    if self.params.get(its[0].text[1:]) is None:
                        has_null = True
                elif not (
                    (
                        len(its) == 1
                        and (its[0].kind in ("string", "number") or its[0].text.lower() in ("true", "false"))
                    )
                    or re.fullmatch(r"-\d+(\.\d+)?", words)
                ):
                    return "dynamic"
            return "has_null" if has_null else "plain"
        return "dynamic"

    # ------------------------------------------------------------------ patterns

    def relationship(self, i: int, close: int, ctx: _Ctx) -> None:
        """A relationship pattern ``[...]``: give a variable-length one Neo4j's semantics."""
        toks, out = self.toks, self.out
        stop_at = close + 1 if close < len(toks) else close
        star = next((j for j in range(i + 1, close) if toks[j].kind == "op" and toks[j].text == "*"), None)
        if star is None:
            self.emit(i, stop_at, ctx)
            return
        # the length spec runs from after '*' to the property map '{' or the ']'
        stop = next((j for j in range(star + 1, close) if toks[j].text == "{"), close)
        spec = "".join(t.text for t in toks[star + 1 : stop])
        m = _VARLEN.match(spec)
        self.emit(i, star + 1, ctx)
        if m is None:  # not a length spec we know: leave it to the engine to judge
            self.emit(star + 1, stop_at, ctx)
            return
        lo, dots, hi = m.groups()
        if dots is None and lo is not None:
            rng = f"{lo}..{lo}"
        elif dots is None:
            rng = ""
        else:
            rng = f"{lo or '1'}..{hi}" if hi is not None else (f"{lo}..30" if lo else "")
        mode = ctx.shortest or "TRAIL"
        out.add(f" {mode}" + (f" {rng}" if rng else ""), self.pos(star))
        self.emit(stop, stop_at, ctx)


_NO_END = 2**62 - 1  # a slice end past any list: the slice keeps everything

_VARLEN = re.compile(r"^\s*(\d+)?\s*(?:(\.\.)\s*(\d+)?)?\s*$")


def _is_keyword(tok: Token) -> bool:
    return tok.kind == "ident" and not tok.text.startswith("`") and tok.text.upper() in _EXPR_KEYWORDS


def _ends_operand(tok: Token) -> bool:
    """Whether a ``[`` right after ``tok`` subscripts it (rather than opening a list)."""
    if tok.kind in ("param", "string", "number"):
        return True
    if tok.kind == "ident":
        return not _is_keyword(tok)
    return tok.text in (")", "]", "}")


def _in_map(toks: list[Token], i: int) -> bool:
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
