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
``RETURN count(*)`` (an unnamed item)                 ``RETURN count(*) AS `count(*)```
====================================================  ==========================================

Refused (with the Neo4j-side alternative): ``CASE`` inside a list comprehension or list
predicate, a ``WHERE`` comprehension over an aggregate, ``reduce()``, ``reverse()`` /
type conversions of an expression whose type cannot be told before the query runs
(inside a comprehension), ``split()`` with a list of delimiters, ``id()`` / ``elementId()``,
comparing a string with a number (the engine would convert the string), string functions of
non-strings, ``keys()`` / ``properties()`` of nodes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from graphkit.cypher.dialect_calls import Calls
from graphkit.cypher.dialect_lists import ListRewriter
from graphkit.cypher.dialect_text import (
    LEFT_STOP_OPS,
    LEFT_STOP_WORDS,
    RESULT_HIDDEN_PREFIX,
    Ctx,
    Level,
    Translation,
    ends_operand,
    in_map,
    is_keyword,
)
from graphkit.cypher.lexer import Token

__all__ = ["Translation", "to_embedded", "RESULT_HIDDEN_PREFIX"]


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


class _Bridge(Calls, ListRewriter):
    """The walk over the tokens; each construct's rewriting is a method of :class:`Calls` or :class:`ListRewriter`."""

    def run(self) -> Translation:
        self.check_comparisons()
        self.emit(0, len(self.toks), Ctx())
        if len(self.toks) in self.inserts:
            self.out.add(self.inserts.pop(len(self.toks)), len(self.text))
        return self.out.done()

    # ------------------------------------------------------------------ helpers

    def emit(self, i: int, end: int, ctx: Ctx) -> None:
        toks, out = self.toks, self.out
        end = min(end, len(toks))
        prev: Token | None = None  # previous significant token
        levels = [Level(out.mark(), out.mark())]
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
            if is_word and t.text.upper() in LEFT_STOP_WORDS:
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
            is_map_key = nxt < end and toks[nxt].text == ":" and in_map(toks, i)
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
                postfix = prev is not None and ends_operand(prev)
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
                if not (t.text == "(" and prev is not None and prev.kind == "ident" and not is_keyword(prev)):
                    levels[-1].atom = out.mark()
                out.add(t.text, t.pos, True)
                levels.append(Level(out.mark(), out.mark()))
            elif t.kind == "op" and t.text in ")]}":
                if len(levels) > 1:
                    levels.pop()
                out.add(t.text, t.pos, True)
            else:
                if t.kind in ("ident", "param", "string", "number") and not after_dot and t.text != ".":
                    levels[-1].atom = out.mark()
                out.add(t.text, t.pos, True)
                if t.kind == "op" and t.text in LEFT_STOP_OPS:
                    levels[-1].expr = levels[-1].atom = out.mark()
            prev = t
            i += 1

    # ------------------------------------------------------------------ function calls
