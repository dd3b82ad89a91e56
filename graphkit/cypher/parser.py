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

import re
from typing import Any

from graphkit.cypher.lexer import located
from graphkit.cypher.queryfile import MAX_QUERY_CHARS
from graphkit.errors import QueryError

__all__ = ["parse", "Lexeme", "lex", "MAX_DEPTH", "CypherSyntaxError", "KEYWORDS"]

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
    """ALL AND AS ASC ASCENDING BY CALL CASE CONTAINS COUNT CREATE DELETE DESC DESCENDING DETACH DISTINCT
    ELSE END ENDS EXISTS FALSE IN IS LIMIT MATCH MERGE NOT NULL OPTIONAL OR ORDER REMOVE RETURN SET SKIP
    STARTS THEN TRUE UNION UNWIND WHEN WHERE WITH XOR YIELD""".split()
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


def _syntax(text: str, pos: int, message: str) -> CypherSyntaxError:
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
                raise _syntax(text, pos, f"invalid unicode escape \\{n}{digits} in a string literal")
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
        if m is None:
            c = text[pos]
            what = "an unterminated string" if c in "'\"" else (
                "an unterminated comment" if text.startswith("/*", pos) else
                "an unterminated quoted name" if c == "`" else f"the character {c!r}")
            raise _syntax(text, pos, f"unexpected {what}")
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
                raise _syntax(text, pos, f"invalid number literal {s} (InvalidNumberLiteral)") from None
            if v > INT_MAX + 1:
                raise _syntax(text, pos, f"integer literal {s} is out of the 64-bit range (IntegerOverflow)")
            out.append(Lexeme("int", v, pos, end))
        elif kind == "int":
            if not s.isdigit():
                raise _syntax(text, pos, f"invalid number literal {s}")
            out.append(Lexeme("int", int(s), pos, end))
        elif kind == "float":
            v = float(s)
            if v == float("inf"):
                raise _syntax(text, pos, f"float literal {s} is too large (FloatingPointOverflow)")
            out.append(Lexeme("float", v, pos, end))
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


class _Parser:
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
        return _syntax(self.text, t.pos, message or f"unexpected {shown} (UnexpectedSyntax)")

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
            if level == 0 and self.tok.kind == "ident" and not self.tok.quoted and self.tok.value.upper() in (
                "MATCH", "OPTIONAL", "UNWIND", "WITH", "RETURN", "CREATE", "MERGE", "SET", "DELETE", "DETACH",
                "REMOVE", "UNION", "CALL", "FOREACH"):
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

    def variable(self) -> str:
        t = self.tok
        if t.kind != "ident":
            raise self.error("expected a variable name here, found " + self._shown())
        self.i += 1
        return t.value

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

    def pattern_part(self) -> tuple:
        var = None
        if self.tok.kind == "ident" and self.is_op("=", k=1):
            var = self.take().value
            self.take()
        if self.tok.kind == "ident" and not self.tok.quoted and self.tok.value.upper() in ("SHORTESTPATH", "ALLSHORTESTPATHS") and self.is_op("(", k=1):
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
                raise _syntax(self.text, t.pos, f"integer literal -{t.value} is out of the 64-bit range (IntegerOverflow)")
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
            elif self.is_op(":") and e[0] in ("var", "prop", "index", "param") :
                labels = self.labels()
                e = ("haslabels", e, labels)
            else:
                return e

    def atom(self) -> tuple:
        t = self.tok
        if t.kind in ("int", "float", "str"):
            self.take()
            if t.kind == "int" and t.value > INT_MAX:
                raise _syntax(self.text, t.pos, f"integer literal {t.value} is out of the 64-bit range (IntegerOverflow)")
            return ("lit", t.value)
        if t.kind == "param":
            self.take()
            return ("param", t.value)
        if t.kind == "op":
            if t.value == "(":
                if self._looks_like_pattern():
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
            if word in ("ALL", "ANY", "NONE", "SINGLE") and self.is_op("(", k=1) and self.peek(2).kind == "ident" and self.is_kw("IN", k=3):
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
                raise self.error("EXISTS { ... } subqueries are not supported: use a pattern in WHERE instead")
            if word == "COUNT" and self.is_op("{", k=1):
                raise self.error("COUNT { ... } subqueries are not supported: use size() of a pattern comprehension")
            if self.is_op("(", k=1) or (self.is_op(".", k=1) and self._is_namespaced_call()):
                return self.function_call()
            if self.is_op("{", k=1) and not self.is_op("}", k=2) and (self.is_op(".", k=2) or (self.peek(2).kind == "ident")) :
                return self.map_projection()
            if self.is_op("{", k=1) and self.is_op("}", k=2):
                return self.map_projection()
            self.take()
            if word in KEYWORDS and word not in ("COUNT", "EXISTS", "ALL"):
                raise self.error(None, t)
            return ("var", t.value)
        raise self.error()

    def _is_namespaced_call(self) -> bool:
        k = 1
        while self.is_op(".", k=k) and self.peek(k + 1).kind == "ident":
            k += 2
        return self.is_op("(", k=k)

    def _looks_like_pattern(self) -> bool:
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
        return self.is_op("-", "<-", "<", k=k + 1) or (k > 1 and self.peek(1).kind == "ident" and self.is_op(":", k=2))

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
                if self.peek(1).kind == "ident" and self.is_op("=", k=2):
                    pass
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
