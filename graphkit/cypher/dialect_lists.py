"""Lists, membership and patterns as rewritten by the dialect bridge (:mod:`graphkit.cypher.dialect`)."""

from __future__ import annotations

import re
from typing import Any

from graphkit.cypher.dialect_text import (
    AGGREGATES,
    LEFT_STOP_OPS,
    RIGHT_STOP_WORDS,
    VARLEN,
    Base,
    Ctx,
    Level,
    is_keyword,
)

__all__: list[str] = []


class ListRewriter(Base):
    def comprehension(self, i: int, var: int, kw_in: int, close: int, ctx: Ctx) -> None:
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
            if tok.kind == "ident" and tok.text.lower() in AGGREGATES:
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

    def subscript(self, i: int, close: int, subject: int, ctx: Ctx) -> None:
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

    def bound(self, a: int, b: int, udf: str, literal: Any, ctx: Ctx) -> None:
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

    def membership(self, i: int, end: int, level: Level, ctx: Ctx) -> int:
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
                (tok.kind == "op" and tok.text in LEFT_STOP_OPS)
                or (tok.kind == "ident" and tok.text.upper() in RIGHT_STOP_WORDS)
            ):
                break
            j += 1
            last = j
        return last

    def operand_start(self, i: int) -> int:
        """Start of the left operand of the operator at token ``i``."""
        toks = self.toks
        depth = 0
        start = i
        j = i - 1
        while j >= 0:
            tok = toks[j]
            if tok.kind in ("ws", "comment"):
                j -= 1
                continue
            if tok.kind == "op" and tok.text in ")]}":
                depth += 1
            elif tok.kind == "op" and tok.text in "([{":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (
                (tok.kind == "op" and tok.text in LEFT_STOP_OPS)
                or (
                    tok.kind == "ident"
                    and not tok.text.startswith("`")
                    and tok.text.upper() in RIGHT_STOP_WORDS
                )
            ):
                break
            start = j
            j -= 1
        return start

    def check_comparisons(self) -> None:
        """Refuse comparing a string with a number: the engine converts the string (``1 = '1'`` is true there)."""
        toks = self.toks
        for i, tok in enumerate(toks):
            if tok.kind == "op" and tok.text == ":" and self.in_pattern_map(i):
                # (a:Actor {founded: '1949'}) compares the property with the value too
                key = next(
                    (toks[k] for k in range(i - 1, -1, -1) if toks[k].kind not in ("ws", "comment")), None
                )
                if key is None or key.kind != "ident":
                    continue
                left = self.props.get(key.text.strip("`"))
                shown = f"the pattern's {key.text}: value"
            elif tok.kind == "op" and tok.text in ("=", "<>", "<", ">", "<=", ">="):
                left = self.type_of(self.operand_start(i), i, Ctx())
                shown = tok.text
            else:
                continue
            right = self.type_of(i + 1, self.operand_end(self.sig(i + 1, len(toks)), len(toks)), Ctx())
            kinds = {left, right}
            if "STRING" in kinds and kinds & {"INT64", "DOUBLE", "INT32", "INT128"}:
                self.refuse(
                    tok.pos,
                    f"comparing a string with a number ({shown}) is refused: the embedded engine converts "
                    "the string to a number (1 = '1' is true there), Neo4j does not compare them; convert "
                    "one side with toInteger(), toFloat() or toString(), which both engines run",
                )

    def in_pattern_map(self, i: int) -> bool:
        """Whether token ``i`` sits in the property map of a node or relationship pattern."""
        toks = self.toks
        depth = 0
        for j in range(i - 1, -1, -1):
            tok = toks[j]
            if tok.kind != "op":
                continue
            if tok.text in ")]}":
                depth += 1
            elif tok.text in "([":
                if depth == 0:
                    return False
                depth -= 1
            elif tok.text == "{":
                if depth:
                    depth -= 1
                    continue
                before = next(
                    (toks[k] for k in range(j - 1, -1, -1) if toks[k].kind not in ("ws", "comment")), None
                )
                return before is not None and (
                    (before.kind == "ident" and not is_keyword(before)) or before.text in ("(", "[")
                )
        return False

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

    def relationship(self, i: int, close: int, ctx: Ctx) -> None:
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
        m = VARLEN.match(spec)
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
