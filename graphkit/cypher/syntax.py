"""Syntax errors in Cypher words: what was expected at the failing position, for people.

The embedded engine's parser reports grammar rules (``expected rule oC_SingleQuery``);
this module reads the query's tokens up to the failing position and says what is
missing (an unclosed bracket, an expression after an operator, a misspelt keyword).
"""

from __future__ import annotations

from graphkit.cypher.lexer import Token, position, tokenize
from graphkit.suggest import close_matches

__all__ = ["explain_syntax_error", "KEYWORDS"]

KEYWORDS = (
    "MATCH", "OPTIONAL", "WHERE", "RETURN", "WITH", "UNWIND", "ORDER", "BY", "SKIP", "LIMIT",
    "DISTINCT", "AS", "AND", "OR", "XOR", "NOT", "IN", "IS", "NULL", "CASE", "WHEN", "THEN",
    "ELSE", "END", "ASC", "DESC", "ASCENDING", "DESCENDING", "STARTS", "ENDS", "CONTAINS",
    "UNION", "ALL", "EXISTS", "COUNT", "TRUE", "FALSE",
)  # fmt: skip

_CLOSE = {"(": ")", "[": "]", "{": "}"}
_BINARY = {
    "=",
    "<>",
    "<",
    ">",
    "<=",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "^",
    "=~",
    ",",
    "AND",
    "OR",
    "XOR",
    "NOT",
    "IN",
}
_RULES = {
    "oC_Expression": "an expression",
    "oC_NodePattern": "a node pattern such as (a:Actor)",
    "oC_Pattern": "a pattern such as (a)-[:MEMBER_OF]->(b)",
    "oC_ReturnItems": "what to return, e.g. a.id AS id",
}


def explain_syntax_error(text: str, offset: int, engine_message: str = "") -> str:
    """A plain-words description of the syntax error at ``offset`` of ``text``.

    Examples
    --------
    >>> explain_syntax_error("MATCH (a:Actor RETURN a", 15)
    "'(' opened at line 1, column 7 is not closed: expected ')' before 'RETURN'"
    >>> explain_syntax_error("MATCH (a:Actor) RETRUN a.id", 16)
    "unknown word 'RETRUN' (did you mean RETURN?)"
    >>> explain_syntax_error("MATCH (a) WHERE a.id = RETURN a", 23)
    "expected an expression after '=', found 'RETURN'"
    >>> explain_syntax_error("MATCH (a)-[r:MEMBER_OF->(b) RETURN a", 22)
    "'[' opened at line 1, column 11 is not closed: expected ']' before '->'"
    >>> explain_syntax_error("RETURN 1 +", 10)
    "the query ends too early: expected an expression after '+'"
    """
    toks = [t for t in tokenize(text) if t.kind not in ("ws", "comment")]
    before = [t for t in toks if t.pos < offset]
    here = next((t for t in toks if t.pos >= offset), None)
    found = f"'{here.text}'" if here else "the end of the query"
    opened = _unclosed(before)
    if here is not None and here.kind == "ident" and here.text.upper() not in KEYWORDS:
        near = close_matches(here.text.upper(), KEYWORDS, n=1, cutoff=0.7)
        if near and (
            not before or before[-1].text in (")", "]", "}") or before[-1].kind in ("ident", "number")
        ):
            return f"unknown word '{here.text}' (did you mean {near[0]}?)"
    if opened is not None and (
        here is None
        or here.text.upper() in KEYWORDS
        or here.text in _CLOSE.values()
        or here.text in ("->", "<-")
    ):
        line, col = position(text, opened.pos)
        return (
            f"'{opened.text}' opened at line {line}, column {col} is not closed: "
            f"expected '{_CLOSE[opened.text]}' before {found}"
        )
    if len(before) >= 2 and before[-1].text.upper() in KEYWORDS and before[-2].text.upper() in _BINARY:
        return f"expected an expression after '{before[-2].text}', found '{before[-1].text}'"
    if before and before[-1].text.upper() == "AS":
        return f"expected a name after AS, found {found}"
    if before and before[-1].text.upper() in _BINARY:
        if here is None:
            return f"the query ends too early: expected an expression after '{before[-1].text}'"
        return f"expected an expression after '{before[-1].text}', found {found}"
    if before and before[-1].text.upper() == "ORDER":
        return f"expected BY after ORDER, found {found}"
    if here is None:
        return "the query ends too early: expected a clause such as RETURN"
    for rule, words in _RULES.items():
        if rule in engine_message:
            return f"expected {words}, found {found}"
    return f"unexpected {found} here; expected a clause (MATCH, WITH, UNWIND, RETURN …) or an operator"


def _unclosed(tokens: list[Token]) -> Token | None:
    stack: list[Token] = []
    for t in tokens:
        if t.kind != "op":
            continue
        if t.text in _CLOSE:
            stack.append(t)
        elif t.text in _CLOSE.values() and stack and _CLOSE[stack[-1].text] == t.text:
            stack.pop()
    return stack[-1] if stack else None
