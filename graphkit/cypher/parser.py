"""A bounded recursive-descent parser for read-only openCypher: query text to a syntax tree.

The grammar followed is openCypher 9's (``cypher.ebnf`` of the openCypher repository):
``UNION [ALL]`` of single queries made of ``MATCH`` / ``OPTIONAL MATCH`` / ``UNWIND`` /
``WITH`` / ``RETURN`` / ``CALL`` clauses, and the full expression grammar (precedence
``OR`` < ``XOR`` < ``AND`` < ``NOT`` < comparison < ``STARTS WITH`` ``IN`` ``IS NULL`` ... <
``+ -`` < ``* / %`` < ``^`` < unary ``+ -`` < property, index, slice, label < atoms).

The tree is made of tuples whose first item names the node (``("lit", 1)``,
``("op", "+", a, b)``, ``("call", "tolower", False, [args], text)`` ...); see
:func:`parse`. Parsing is bounded: query text longer than :data:`MAX_QUERY_CHARS` and
trees deeper than :data:`MAX_DEPTH` are refused with a :class:`QueryError` before any
recursion can exhaust the stack, so that no text can crash the process.
"""

from __future__ import annotations

from graphkit.cypher.lexer import located
from graphkit.cypher.parse_expr import ExpressionParser
from graphkit.cypher.tokens import MAX_DEPTH, CypherSyntaxError
from graphkit.errors import QueryError

__all__ = ["parse"]


class _Parser(ExpressionParser):
    """Clauses: UNION parts of MATCH / UNWIND / WITH / RETURN / CALL."""

    def query(self) -> tuple:
        parts = [self.single()]
        alls: list[bool] = []
        while self.is_kw("UNION"):
            self.take()
            alls.append(bool(self.is_kw("ALL") and self.take()))
            parts.append(self.single())
        while self.is_op(";"):
            self.take()
        if self.tok.kind != "eof":
            raise self.error()
        return ("query", parts, alls)

    def single(self) -> list[tuple]:
        clauses: list[tuple] = []
        while True:
            t = self.tok
            if self.is_kw("MATCH") or (self.is_kw("OPTIONAL") and self.is_kw("MATCH", k=1)):
                clauses.append(self.match())
            elif self.is_kw("UNWIND"):
                self.take()
                e = self.expr()
                self.expect_kw("AS")
                clauses.append(("unwind", e, self.variable()))
            elif self.is_kw("WITH"):
                self.take()
                clauses.append(("with",) + self.projection(True))
            elif self.is_kw("RETURN"):
                self.take()
                clauses.append(("return",) + self.projection(False))
                break
            elif self.is_kw("CALL"):
                clauses.append(self.call())
            elif self.is_kw("LOAD") and self.is_kw("CSV", k=1):
                raise self.error("LOAD CSV is not supported: queries read the dataset only", self.peek(2))
            elif self.is_kw("CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "FOREACH", "LOAD"):
                clauses.append(("update", t.value.upper(), t.pos))
                self._skip_clause()
            else:
                if not clauses:
                    raise self.error()
                break
        if not clauses:
            raise self.error()
        return clauses

    def _skip_clause(self) -> None:
        self.take()
        level = 0
        while self.tok.kind != "eof":
            if (
                level == 0
                and self.tok.kind == "ident"
                and not self.tok.quoted
                and self.tok.value.upper()
                in (
                    "MATCH",
                    "OPTIONAL",
                    "UNWIND",
                    "WITH",
                    "RETURN",
                    "CREATE",
                    "MERGE",
                    "SET",
                    "DELETE",
                    "DETACH",
                    "REMOVE",
                    "UNION",
                    "CALL",
                    "FOREACH",
                )
            ):
                return
            if self.is_op("(", "[", "{"):
                level += 1
            elif self.is_op(")", "]", "}"):
                level -= 1
            self.take()

    def call(self) -> tuple:
        pos = self.take().pos
        if self.is_op("{"):
            raise self.error("CALL { ... } subqueries are not supported: write the query without a subquery")
        parts = [self.name("a procedure name")]
        while self.is_op("."):
            self.take()
            parts.append(self.name("a procedure name"))
        args = None
        if self.is_op("("):
            self.take()
            args = []
            if not self.is_op(")"):
                args.append(self.expr())
                while self.is_op(","):
                    self.take()
                    args.append(self.expr())
            self.expect_op(")")
        yields: list = []
        where = None
        if self.is_kw("YIELD"):
            self.take()
            if self.is_op("*"):
                self.take()
                yields = ["*"]
            else:
                while True:
                    field = self.name("a procedure output")
                    alias = self.variable() if self.is_kw("AS") and self.take() else field
                    yields.append((field, alias))
                    if not self.is_op(","):
                        break
                    self.take()
            if self.is_kw("WHERE"):
                self.take()
                where = self.expr()
        return ("callproc", ".".join(parts), args, yields, where, pos)

    def projection(self, is_with: bool) -> tuple:
        distinct = False
        if self.is_kw("DISTINCT"):
            self.take()
            distinct = True
        items: list[tuple] = []
        star = False
        if self.is_op("*"):
            self.take()
            star = True
            if self.is_op(","):
                self.take()
            else:
                return self._projection_tail(distinct, star, items, is_with)
        while True:
            start = self.tok.pos
            e = self.expr()
            end = self.toks[self.i - 1].end
            alias = None
            if self.is_kw("AS"):
                self.take()
                alias = self.variable()
            items.append((e, alias, self.text[start:end]))
            if not self.is_op(","):
                break
            self.take()
        return self._projection_tail(distinct, star, items, is_with)

    def _projection_tail(self, distinct: bool, star: bool, items: list, is_with: bool) -> tuple:
        order: list[tuple] = []
        skip = limit = where = None
        if self.is_kw("ORDER"):
            self.take()
            self.expect_kw("BY")
            while True:
                e = self.expr()
                desc = False
                if self.is_kw("ASC", "ASCENDING"):
                    self.take()
                elif self.is_kw("DESC", "DESCENDING"):
                    self.take()
                    desc = True
                order.append((e, desc))
                if not self.is_op(","):
                    break
                self.take()
        if self.is_kw("SKIP"):
            self.take()
            skip = self.expr()
        if self.is_kw("LIMIT"):
            self.take()
            limit = self.expr()
        if is_with and self.is_kw("WHERE"):
            self.take()
            where = self.expr()
        return (distinct, star, items, order, skip, limit, where)

    # -- patterns
    def match(self) -> tuple:
        optional = False
        if self.is_kw("OPTIONAL"):
            self.take()
            optional = True
        self.expect_kw("MATCH")
        pats = [self.pattern_part()]
        while self.is_op(","):
            self.take()
            pats.append(self.pattern_part())
        where = None
        if self.is_kw("WHERE"):
            self.take()
            where = self.expr()
        return ("match", optional, pats, where)


def parse(text: str, file: str = "<query>") -> tuple:
    """The syntax tree of a query: ``("query", [clauses of each part], [UNION ALL flags])``.

    Raises
    ------
    QueryError
        :class:`CypherSyntaxError` for text that is not Cypher, naming line and column;
        a QueryError for text past the length and depth limits.

    Examples
    --------
    >>> parse("RETURN 1 + 2 AS x")
    ('query', [[('return', False, False, [(('op', '+', ('lit', 1), ('lit', 2)), 'x', '1 + 2')], [], None, None, None)]], [])
    """
    try:
        return _Parser(text).query()
    except CypherSyntaxError as exc:
        pos = getattr(exc, "pos", None)
        if pos is None:
            raise
        msg = exc.message  # type: ignore[attr-defined]
        if msg.startswith(("unexpected '", "unexpected the end", "expected ")):
            from graphkit.cypher.syntax import explain_syntax_error

            msg = explain_syntax_error(text, pos, msg) + " (UnexpectedSyntax)"
        raise located(file, text, pos, f"syntax error: {msg}") from None
    except RecursionError:
        raise QueryError(f"the query is nested too deeply (more than {MAX_DEPTH} levels)") from None
