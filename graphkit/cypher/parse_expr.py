"""The expression and pattern half of graphkit's Cypher parser (openCypher 9 precedence).

``OR`` < ``XOR`` < ``AND`` < ``NOT`` < comparison (chained: ``a < b < c``) < ``STARTS WITH``
``ENDS WITH`` ``CONTAINS`` ``=~`` ``IN`` ``IS NULL`` < ``+ -`` < ``* / %`` < ``^`` (left
associative) < unary ``+ -`` < property, index, slice, label < atoms (literals, parameters,
lists, maps, comprehensions, quantifiers, ``reduce``, ``CASE``, function calls, pattern
expressions and comprehensions, map projections). Chains of operators are read in loops
and counted against :data:`~graphkit.cypher.tokens.MAX_DEPTH`, so that long chains are a
clean error, not a deep recursion.
"""

from __future__ import annotations

from typing import Any

from graphkit.cypher.tokens import INT_MAX, KEYWORDS, MAX_DEPTH, TokenStream, syntax_error
from graphkit.errors import QueryError

__all__ = ["ExpressionParser"]


class ExpressionParser(TokenStream):
    """Patterns and expressions; :class:`graphkit.cypher.parser` adds the clauses."""

    def pattern_part(self) -> tuple:
        var = None
        if self.tok.kind == "ident" and self.is_op("=", k=1):
            var = self.take().value
            self.take()
        if (
            self.tok.kind == "ident"
            and not self.tok.quoted
            and self.tok.value.upper() in ("SHORTESTPATH", "ALLSHORTESTPATHS")
            and self.is_op("(", k=1)
        ):
            kind = self.take().value.lower()
            self.take()
            chain = self.chain()
            self.expect_op(")")
            return ("path", var, chain, kind)
        return ("path", var, self.chain(), None)

    def chain(self) -> list:
        self.enter()
        elems = [self.node_pattern()]
        while self.is_op("-", "<-", "<"):
            elems.append(self.rel_pattern())
            elems.append(self.node_pattern())
        self.depth -= 1
        return elems

    def node_pattern(self) -> tuple:
        if self.is_op("(") and self.is_op("(", k=1):
            # a parenthesised pattern: not in openCypher 9
            raise self.error("parenthesised path patterns are not supported")
        self.expect_op("(")
        var = None
        if self.tok.kind == "ident" and not (self.is_op(":", k=0)):
            var = self.take().value
        labels = self.labels()
        props = None
        if self.is_op("{"):
            props = self.map_literal()
        elif self.tok.kind == "param":
            props = ("param", self.take().value)
        if self.is_kw("WHERE"):
            raise self.error("WHERE inside a node pattern is not supported: move it to the MATCH's WHERE")
        self.expect_op(")")
        return ("node", var, labels, props)

    def labels(self) -> list[str]:
        out = []
        while self.is_op(":"):
            self.take()
            out.append(self.name("a label"))
        return out

    def rel_pattern(self) -> tuple:
        left = False
        if self.is_op("<-"):
            self.take()
            left = True
        elif self.is_op("<"):
            self.take()
            self.expect_op("-")
            left = True
        else:
            self.expect_op("-")
        var = None
        types: list[str] = []
        props = None
        length = None
        if self.is_op("["):
            self.take()
            if self.tok.kind == "ident":
                var = self.take().value
            if self.is_op(":"):
                self.take()
                types.append(self.name("a relationship type"))
                while self.is_op("|"):
                    self.take()
                    if self.is_op(":"):
                        self.take()
                    types.append(self.name("a relationship type"))
            if self.is_op("*"):
                self.take()
                lo = hi = None
                if self.tok.kind == "int":
                    lo = self.take().value
                if self.is_op(".."):
                    self.take()
                    if self.tok.kind == "int":
                        hi = self.take().value
                else:
                    hi = lo
                length = (lo, hi)
            if self.is_op("{"):
                props = self.map_literal()
            elif self.tok.kind == "param":
                props = ("param", self.take().value)
            self.expect_op("]")
        right = False
        if self.is_op("->"):
            self.take()
            right = True
        elif self.is_op("-"):
            self.take()
            if self.is_op(">"):
                self.take()
                right = True
        else:
            raise self.error()
        return ("rel", var, types, props, length, left, right)

    def variable(self) -> str:
        t = self.tok
        if t.kind != "ident":
            raise self.error("expected a variable name here, found " + self._shown())
        self.i += 1
        return t.value

    # -- expressions
    def expr(self) -> tuple:
        self.enter()
        e = self.or_expr()
        self.depth -= 1
        return e

    def _binary_chain(self, words: tuple[str, ...], sub: Any) -> tuple:
        e = sub()
        count = 0
        while self.is_kw(*words):
            op = self.take().value.upper()
            e = ("op", op, e, sub())
            count += 1
            self._chain_depth(count)
        return e

    def _chain_depth(self, count: int) -> None:
        if count + self.depth > MAX_DEPTH:
            raise QueryError(
                f"the query chains more than {MAX_DEPTH} operators in one expression: "
                "split it up, or compute the value from a list (reduce(), sum())"
            )

    def or_expr(self) -> tuple:
        return self._binary_chain(("OR",), self.xor_expr)

    def xor_expr(self) -> tuple:
        return self._binary_chain(("XOR",), self.and_expr)

    def and_expr(self) -> tuple:
        return self._binary_chain(("AND",), self.not_expr)

    def not_expr(self) -> tuple:
        n = 0
        while self.is_kw("NOT"):
            self.take()
            n += 1
            self._chain_depth(n)
        e = self.comparison()
        for _ in range(n):
            e = ("not", e)
        return e

    def comparison(self) -> tuple:
        first = self.predicates()
        ops: list[tuple[str, tuple]] = []
        while self.is_op("=", "<>", "<", ">", "<=", ">=", "!="):
            op = self.take().value
            if op == "!=":
                raise self.error("'!=' is not Cypher: write '<>'", self.toks[self.i - 1])
            ops.append((op, self.predicates()))
            self._chain_depth(len(ops))
        if not ops:
            return first
        if len(ops) == 1:
            return ("cmp", ops[0][0], first, ops[0][1])
        return ("cmpchain", first, ops)

    def predicates(self) -> tuple:
        e = self.additive()
        n = 0
        while True:
            n += 1
            self._chain_depth(n)
            if self.is_kw("STARTS") and self.is_kw("WITH", k=1):
                self.take()
                self.take()
                e = ("strpred", "STARTS WITH", e, self.additive())
            elif self.is_kw("ENDS") and self.is_kw("WITH", k=1):
                self.take()
                self.take()
                e = ("strpred", "ENDS WITH", e, self.additive())
            elif self.is_kw("CONTAINS"):
                self.take()
                e = ("strpred", "CONTAINS", e, self.additive())
            elif self.is_op("=~"):
                self.take()
                e = ("strpred", "=~", e, self.additive())
            elif self.is_kw("IN"):
                self.take()
                e = ("in", e, self.additive())
            elif self.is_kw("IS"):
                self.take()
                neg = False
                if self.is_kw("NOT"):
                    self.take()
                    neg = True
                self.expect_kw("NULL")
                e = ("isnull", e, neg)
            else:
                return e

    def additive(self) -> tuple:
        e = self.multiplicative()
        n = 0
        while self.is_op("+", "-"):
            op = self.take().value
            e = ("op", op, e, self.multiplicative())
            n += 1
            self._chain_depth(n)
        return e

    def multiplicative(self) -> tuple:
        e = self.power()
        n = 0
        while self.is_op("*", "/", "%"):
            op = self.take().value
            e = ("op", op, e, self.power())
            n += 1
            self._chain_depth(n)
        return e

    def power(self) -> tuple:
        e = self.unary()
        n = 0
        while self.is_op("^"):
            self.take()
            e = ("op", "^", e, self.unary())
            n += 1
            self._chain_depth(n)
        return e

    def unary(self) -> tuple:
        signs = []
        while self.is_op("+", "-"):
            signs.append(self.take().value)
            self._chain_depth(len(signs))
        if signs and signs[-1] == "-" and self.tok.kind == "int" and not self.is_op("[", ".", "^", k=1):
            # -9223372036854775808 is a literal of its own
            t = self.take()
            v = -t.value
            if v < -INT_MAX - 1:
                raise syntax_error(
                    self.text,
                    t.pos,
                    f"integer literal -{t.value} is out of the 64-bit range (IntegerOverflow)",
                )
            e: tuple = self.postfix(("lit", v))
            signs.pop()
        else:
            e = self.postfix(self.atom())
        for s in reversed(signs):
            e = ("neg", e) if s == "-" else ("pos", e)
        return e

    def postfix(self, e: tuple) -> tuple:
        n = 0
        while True:
            n += 1
            self._chain_depth(n)
            if self.is_op("."):
                self.take()
                t = self.tok
                if t.kind != "ident":
                    raise self.error("expected a property name after '.', found " + self._shown())
                self.take()
                e = ("prop", e, t.value)
            elif self.is_op("["):
                self.take()
                if self.is_op(".."):
                    self.take()
                    hi = None if self.is_op("]") else self.expr()
                    self.expect_op("]")
                    e = ("slice", e, None, hi)
                    continue
                lo = self.expr()
                if self.is_op(".."):
                    self.take()
                    hi = None if self.is_op("]") else self.expr()
                    self.expect_op("]")
                    e = ("slice", e, lo, hi)
                    continue
                self.expect_op("]")
                e = ("index", e, lo)
            elif self.is_op(":") and e[0] in ("var", "prop", "index", "param"):
                labels = self.labels()
                e = ("haslabels", e, labels)
            else:
                return e

    def atom(self) -> tuple:
        t = self.tok
        if t.kind in ("int", "float", "str"):
            self.take()
            if t.kind == "int" and t.value > INT_MAX:
                raise syntax_error(
                    self.text,
                    t.pos,
                    f"integer literal {t.value} is out of the 64-bit range (IntegerOverflow)",
                )
            return ("lit", t.value)
        if t.kind == "param":
            self.take()
            return ("param", t.value)
        if t.kind == "op":
            if t.value == "(":
                if self.looks_like_pattern():
                    return self.pattern_expression()
                self.take()
                self.enter()
                e = self.expr()
                self.depth -= 1
                self.expect_op(")")
                return e
            if t.value == "[":
                return self.list_or_comprehension()
            if t.value == "{":
                return self.map_literal()
            raise self.error()
        if t.kind == "ident":
            word = t.value.upper() if not t.quoted else None
            if word == "TRUE":
                self.take()
                return ("lit", True)
            if word == "FALSE":
                self.take()
                return ("lit", False)
            if word == "NULL":
                self.take()
                return ("lit", None)
            if word == "CASE":
                return self.case()
            if (
                word in ("ALL", "ANY", "NONE", "SINGLE")
                and self.is_op("(", k=1)
                and self.peek(2).kind == "ident"
                and self.is_kw("IN", k=3)
            ):
                self.take()
                self.take()
                var = self.variable()
                self.expect_kw("IN")
                src = self.expr()
                where = None
                if self.is_kw("WHERE"):
                    self.take()
                    where = self.expr()
                self.expect_op(")")
                return ("quant", word.lower(), var, src, where)
            if word == "REDUCE" and self.is_op("(", k=1):
                self.take()
                self.take()
                acc = self.variable()
                self.expect_op("=")
                init = self.expr()
                self.expect_op(",")
                var = self.variable()
                self.expect_kw("IN")
                src = self.expr()
                self.expect_op("|")
                body = self.expr()
                self.expect_op(")")
                return ("reduce", acc, init, var, src, body)
            if word == "EXISTS" and self.is_op("{", k=1):
                raise self.error(
                    "EXISTS { ... } subqueries are not supported: use a pattern in WHERE instead"
                )
            if word == "COUNT" and self.is_op("{", k=1):
                raise self.error(
                    "COUNT { ... } subqueries are not supported: use size() of a pattern comprehension"
                )
            if self.is_op("(", k=1) or (self.is_op(".", k=1) and self.is_namespaced_call()):
                return self.function_call()
            if (
                self.is_op("{", k=1)
                and not self.is_op("}", k=2)
                and (self.is_op(".", k=2) or (self.peek(2).kind == "ident"))
            ):
                return self.map_projection()
            if self.is_op("{", k=1) and self.is_op("}", k=2):
                return self.map_projection()
            self.take()
            if word in KEYWORDS and word not in ("COUNT", "EXISTS", "ALL"):
                raise self.error(None, t)
            return ("var", t.value)
        raise self.error()

    def pattern_expression(self) -> tuple:
        chain = self.chain()
        return ("pattern", chain)

    def function_call(self) -> tuple:
        start = self.tok.pos
        parts = [self.take().value]
        while self.is_op("."):
            self.take()
            parts.append(self.name("a function name"))
        name = ".".join(parts)
        self.expect_op("(")
        self.enter()
        distinct = False
        if self.is_kw("DISTINCT"):
            self.take()
            distinct = True
        args: list[tuple] = []
        if name.lower() == "count" and self.is_op("*"):
            self.take()
            self.expect_op(")")
            self.depth -= 1
            return ("countstar",)
        if not self.is_op(")"):
            args.append(self.expr())
            while self.is_op(","):
                self.take()
                args.append(self.expr())
        self.expect_op(")")
        self.depth -= 1
        return ("call", name.lower(), distinct, args, self.text[start : self.toks[self.i - 1].end])

    def case(self) -> tuple:
        self.take()
        self.enter()
        subject = None
        if not self.is_kw("WHEN"):
            subject = self.expr()
        whens = []
        while self.is_kw("WHEN"):
            self.take()
            w = self.expr()
            self.expect_kw("THEN")
            whens.append((w, self.expr()))
        if not whens:
            raise self.error("CASE needs at least one WHEN")
        other = None
        if self.is_kw("ELSE"):
            self.take()
            other = self.expr()
        self.expect_kw("END")
        self.depth -= 1
        return ("case", subject, whens, other)

    def list_or_comprehension(self) -> tuple:
        self.take()
        self.enter()
        try:
            if self.tok.kind == "ident" and self.is_kw("IN", k=1):
                var = self.take().value
                self.take()
                src = self.expr()
                where = proj = None
                if self.is_kw("WHERE"):
                    self.take()
                    where = self.expr()
                if self.is_op("|"):
                    self.take()
                    proj = self.expr()
                self.expect_op("]")
                return ("listcomp", var, src, where, proj)
            if self.is_op("(") and self._pattern_comprehension_ahead():
                var = None
                chain = self.chain()
                where = None
                if self.is_kw("WHERE"):
                    self.take()
                    where = self.expr()
                self.expect_op("|")
                proj = self.expr()
                self.expect_op("]")
                return ("patcomp", var, chain, where, proj)
            if self.tok.kind == "ident" and self.is_op("=", k=1) and self.is_op("(", k=2):
                var = self.take().value
                self.take()
                chain = self.chain()
                where = None
                if self.is_kw("WHERE"):
                    self.take()
                    where = self.expr()
                self.expect_op("|")
                proj = self.expr()
                self.expect_op("]")
                return ("patcomp", var, chain, where, proj)
            items = []
            if not self.is_op("]"):
                items.append(self.expr())
                while self.is_op(","):
                    self.take()
                    items.append(self.expr())
            self.expect_op("]")
            return ("list", items)
        finally:
            self.depth -= 1

    def _pattern_comprehension_ahead(self) -> bool:
        save = self.i
        try:
            self.chain()
            return self.is_op("|") or self.is_kw("WHERE")
        except QueryError:
            return False
        finally:
            self.i = save

    def map_literal(self) -> tuple:
        self.expect_op("{")
        self.enter()
        items: list[tuple[str, tuple]] = []
        if not self.is_op("}"):
            while True:
                t = self.tok
                if t.kind != "ident":
                    raise self.error("expected a property key in the map, found " + self._shown())
                self.take()
                self.expect_op(":")
                items.append((t.value, self.expr()))
                if not self.is_op(","):
                    break
                self.take()
        self.expect_op("}")
        self.depth -= 1
        return ("map", items)

    def map_projection(self) -> tuple:
        var = self.take().value
        self.expect_op("{")
        self.enter()
        items: list[tuple] = []
        if not self.is_op("}"):
            while True:
                if self.is_op("."):
                    self.take()
                    if self.is_op("*"):
                        self.take()
                        items.append(("all",))
                    else:
                        items.append(("prop", self.name("a property name")))
                elif self.tok.kind == "ident" and self.is_op(":", k=1):
                    k = self.take().value
                    self.take()
                    items.append(("kv", k, self.expr()))
                elif self.tok.kind == "ident":
                    items.append(("var", self.take().value))
                else:
                    raise self.error()
                if not self.is_op(","):
                    break
                self.take()
        self.expect_op("}")
        self.depth -= 1
        return ("mapproj", var, items)
