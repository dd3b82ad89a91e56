"""The one dialect bridge: Neo4j-dialect Cypher rewritten for the embedded engine.

Dialects
--------
Query files are written in the Cypher that Neo4j 5 accepts, kept to the subset that the
embedded engine (ladybug, the maintained fork of Kùzu) and FalkorDB also run. Where
the embedded engine spells a construct differently, :func:`to_embedded` rewrites it;
this is the only place in graphkit where the dialects differ:

==============================================  ============================================
Neo4j                                           embedded engine (ladybug)
==============================================  ============================================
``type(r)``                                     ``label(r)``
``labels(n)``                                   ``[label(n)]``
``[x IN list | expr]``                          ``list_transform(list, x -> expr)``
``[x IN list WHERE cond]``                      ``list_filter(list, x -> cond)``
``p = shortestPath((a)-[:T*..k]-(b))``          ``p = (a)-[:T* SHORTEST 1..k]-(b)``
``p = allShortestPaths((a)-[:T*..k]-(b))``      ``p = (a)-[:T* ALL SHORTEST 1..k]-(b)``
``(a)-[:T*1..k]-(b)`` (no repeated relation)    ``(a)-[:T* TRAIL 1..k]-(b)``
``toInteger toFloat toString toBoolean``        ``to_int64 to_double to_string to_bool``
``split(s, d)``                                 ``string_split(s, d)``
``head(list)`` / ``last(list)``                 ``list_extract(list, 1)`` / ``(list, -1)``
==============================================  ============================================

Not bridged (avoid them in shared queries): list indexing ``list[i]`` (0-based in Neo4j,
1-based in ladybug), ``ORDER BY`` in ``WITH`` without ``SKIP``/``LIMIT`` (ladybug refuses
it), ``COUNT {}`` / ``EXISTS {}`` subqueries (FalkorDB lacks them; pattern predicates
such as ``WHERE NOT (a)-[:T]->(b)`` run everywhere), APOC and GDS procedures, and
properties the dataset does not have (ladybug reports them as errors where Neo4j
returns null; the embedded schema always declares the schema's common properties).
Unnamed result columns differ between engines (``count(c)`` vs ``COUNT(c._ID)``): name
every returned column with ``AS``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphkit.cypher.lexer import Token, tokenize

__all__ = ["Translation", "to_embedded"]

_RENAMES = {
    "type": "label",
    "tointeger": "to_int64",
    "tofloat": "to_double",
    "tostring": "to_string",
    "toboolean": "to_bool",
    "split": "string_split",
}


@dataclass
class Translation:
    """Cypher rewritten for the embedded engine, with a map back to the original text."""

    text: str
    _starts: list[int] = field(default_factory=list)  # offset in text where each piece starts
    _origins: list[int] = field(default_factory=list)  # offset in the original of that piece
    _verbatim: list[bool] = field(default_factory=list)

    def original_offset(self, offset: int) -> int:
        """The offset in the original text of character ``offset`` of the rewritten text."""
        import bisect

        if not self._starts:
            return offset
        i = max(0, bisect.bisect_right(self._starts, offset) - 1)
        base = self._origins[i]
        return base + (offset - self._starts[i]) if self._verbatim[i] else base


class _Out:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.t = Translation("")
        self.n = 0

    def add(self, text: str, origin: int, verbatim: bool) -> None:
        if not text:
            return
        self.t._starts.append(self.n)
        self.t._origins.append(origin)
        self.t._verbatim.append(verbatim)
        self.parts.append(text)
        self.n += len(text)

    def done(self) -> Translation:
        self.t.text = "".join(self.parts)
        return self.t


def to_embedded(text: str) -> Translation:
    """Rewrite Neo4j-dialect Cypher for the embedded engine (see the module docstring).

    Comments become spaces and line breaks are kept, so a line number in the rewritten
    text is the line number in the original.

    >>> to_embedded("MATCH p = shortestPath((a)-[:T*..4]-(b)) RETURN type(r), [n IN nodes(p) | n.id]").text
    'MATCH p = (a)-[:T* SHORTEST 1..4]-(b) RETURN label(r), list_transform(nodes(p), n -> n.id)'
    """
    toks = tokenize(text)
    out = _Out()
    _emit(toks, 0, len(toks), out)
    return out.done()


def _sig(toks: list[Token], i: int, end: int) -> int:
    """Index of the next token at or after ``i`` that is not whitespace or a comment."""
    while i < end and toks[i].kind in ("ws", "comment"):
        i += 1
    return i


def _close(toks: list[Token], i: int, end: int) -> int:
    """Index of the bracket that closes the one at ``i`` (or ``end`` if unbalanced)."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack = []
    for j in range(i, end):
        t = toks[j].text
        if toks[j].kind != "op":
            continue
        if t in pairs:
            stack.append(pairs[t])
        elif stack and t == stack[-1]:
            stack.pop()
            if not stack:
                return j
    return end


def _emit(toks: list[Token], i: int, end: int, out: _Out, shortest: str | None = None) -> None:
    prev = None  # previous significant token
    while i < end:
        t = toks[i]
        if t.kind == "comment":
            out.add(re.sub(r"[^\n]", " ", t.text), t.pos, True)
            i += 1
            continue
        if t.kind == "ws":
            out.add(t.text, t.pos, True)
            i += 1
            continue
        nxt = _sig(toks, i + 1, end)
        is_call = nxt < end and toks[nxt].text == "(" and (prev is None or prev.text not in (".", ":"))
        low = t.text.lower()
        if t.kind == "ident" and is_call and low in ("shortestpath", "allshortestpaths"):
            close = _close(toks, nxt, end)
            kind = "SHORTEST" if low == "shortestpath" else "ALL SHORTEST"
            _emit(toks, nxt + 1, close, out, shortest=kind)
            prev = toks[close - 1] if close - 1 > nxt else t
            i = close + 1
            continue
        if t.kind == "ident" and is_call and low in ("head", "last"):
            close = _close(toks, nxt, end)
            out.add("list_extract(", t.pos, False)
            _emit(toks, nxt + 1, close, out)
            out.add(", 1)" if low == "head" else ", -1)", toks[min(close, end - 1)].pos, False)
            prev, i = toks[min(close, end - 1)], close + 1
            continue
        if t.kind == "ident" and is_call and low == "labels":
            close = _close(toks, nxt, end)
            out.add("[label(", t.pos, False)
            _emit(toks, nxt + 1, close, out)
            out.add(")]", toks[min(close, end - 1)].pos, False)
            prev, i = toks[min(close, end - 1)], close + 1
            continue
        if t.kind == "ident" and is_call and low in _RENAMES:
            out.add(_RENAMES[low], t.pos, False)
            prev, i = t, i + 1
            continue
        if t.kind == "op" and t.text == "[":
            close = _close(toks, i, end)
            j = _sig(toks, i + 1, close)
            k = _sig(toks, j + 1, close)
            if (
                j < close
                and toks[j].kind == "ident"
                and not toks[j].text.startswith("`")
                and k < close
                and toks[k].text.lower() == "in"
            ):
                _emit_comprehension(toks, i, j, k, close, out)
                prev, i = toks[min(close, end - 1)], close + 1
                continue
            if prev is not None and prev.text in ("-", "<-"):
                _emit_relationship(toks, i, close, out, shortest)
                prev, i = toks[min(close, end - 1)], close + 1
                continue
        out.add(t.text, t.pos, True)
        prev = t
        i += 1


def _emit_comprehension(toks: list[Token], i: int, var: int, kw_in: int, close: int, out: _Out) -> None:
    """``[x IN list WHERE cond | expr]`` -> ``list_transform(list_filter(list, x -> cond), x -> expr)``."""
    where = bar = None
    depth = 0
    for j in range(kw_in + 1, close):
        tt = toks[j]
        if tt.kind == "op" and tt.text in "([{":
            depth += 1
        elif tt.kind == "op" and tt.text in ")]}":
            depth -= 1
        elif (
            depth == 0 and tt.kind == "ident" and tt.text.lower() == "where" and where is None and bar is None
        ):
            where = j
        elif depth == 0 and tt.kind == "op" and tt.text == "|" and bar is None:
            bar = j
    x = toks[var].text
    src_end = where if where is not None else bar if bar is not None else close
    pos = toks[i].pos

    def part(a: int, b: int) -> None:  # a sub-expression without the spaces around it
        while a < b and toks[a].kind == "ws" and "\n" not in toks[a].text:
            a += 1
        while b > a and toks[b - 1].kind == "ws" and "\n" not in toks[b - 1].text:
            b -= 1
        _emit(toks, a, b, out)

    if bar is not None:
        out.add("list_transform(", pos, False)
    if where is not None:
        out.add("list_filter(", pos, False)
    if where is None and bar is None:
        out.add("(", pos, False)
    part(kw_in + 1, src_end)
    if where is not None:
        out.add(f", {x} -> ", toks[where].pos, False)
        part(where + 1, bar if bar is not None else close)
        out.add(")", toks[where].pos, False)
    if bar is not None:
        out.add(f", {x} -> ", toks[bar].pos, False)
        part(bar + 1, close)
        out.add(")", toks[bar].pos, False)
    if where is None and bar is None:
        out.add(")", pos, False)


_VARLEN = re.compile(r"^\s*(\d+)?\s*(?:(\.\.)\s*(\d+)?)?\s*$")


def _emit_relationship(toks: list[Token], i: int, close: int, out: _Out, shortest: str | None) -> None:
    """A relationship pattern ``[...]``: give a variable-length one Neo4j's semantics."""
    star = next((j for j in range(i + 1, close) if toks[j].kind == "op" and toks[j].text == "*"), None)
    if star is None:
        _emit(toks, i, close + 1 if close < len(toks) else close, out)
        return
    # the length spec runs from after '*' to the property map '{' or the ']'
    stop = next((j for j in range(star + 1, close) if toks[j].text == "{"), close)
    spec = "".join(t.text for t in toks[star + 1 : stop])
    m = _VARLEN.match(spec)
    _emit(toks, i, star + 1, out)
    if m is None:  # not a length spec we know: leave it to the engine to judge
        _emit(toks, star + 1, close + 1 if close < len(toks) else close, out)
        return
    lo, dots, hi = m.groups()
    if dots is None and lo is not None:
        rng = f"{lo}..{lo}"
    elif dots is None:
        rng = ""
    else:
        rng = f"{lo or '1'}..{hi}" if hi is not None else (f"{lo}..30" if lo else "")
    mode = shortest or "TRAIL"
    pos = toks[star].pos
    out.add(f" {mode}" + (f" {rng}" if rng else ""), pos, False)
    _emit(toks, stop, close + 1 if close < len(toks) else close, out)
