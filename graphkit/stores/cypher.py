"""Cypher query files: their comment header, their parameters, and the one dialect bridge.

A query file is Cypher preceded by a comment block that says what it answers, which
parameters it takes (with types and defaults) and how to call it::

    // Which actors are members of an alliance, and since when?
    //
    // Parameters:
    //   alliance (string, default NATO): id of the alliance or organisation
    // Example:
    //   graphkit query members_of_alliance data/sample --param alliance=NATO
    MATCH (m:Actor)-[r:MEMBER_OF]->(a:Actor {id: $alliance})
    RETURN m.id AS id, m.name AS name, r.since AS since
    ORDER BY id

The first comment line is the one-line description that ``graphkit query --list`` shows.
Parameter types are ``string``, ``int``, ``float``, ``bool``, ``date`` or a list of one of
those (``string[]``, given on the command line as ``a,b,c``).

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

import datetime as _dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphkit.errors import QueryError

__all__ = [
    "Param",
    "QueryFile",
    "Token",
    "tokenize",
    "parse_query",
    "read_query",
    "library_dirs",
    "library",
    "resolve_query",
    "query_parameters",
    "parse_param_value",
    "parse_param_args",
    "bind_params",
    "Translation",
    "to_embedded",
    "position",
    "located",
    "PARAM_TYPES",
    "MAX_NESTING",
    "check_query",
    "QueryResult",
    "as_result",
]

PARAM_TYPES = ("string", "int", "float", "bool", "date")

#: Deepest bracket nesting a query may have (ladybug's parser crashes on thousands).
MAX_NESTING = 100


@dataclass(frozen=True)
class Param:
    """A parameter declared in a query file's header."""

    name: str
    type: str = "string"
    default: Any = None
    has_default: bool = False
    help: str = ""


@dataclass(frozen=True)
class QueryFile:
    """A query: its text, where it came from, and what its header declares."""

    text: str
    file: str = "<query>"
    name: str = "query"
    description: str = ""
    params: tuple[Param, ...] = ()
    example: str = ""
    header: str = ""

    @property
    def param_names(self) -> set[str]:
        """Names of the parameters the query's text uses (``$name``)."""
        return query_parameters(self.text)

    def declared(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


# --------------------------------------------------------------------------- lexing


@dataclass(frozen=True)
class Token:
    """A lexical token: ``kind`` is ws, comment, string, ident, param, number or op."""

    kind: str
    text: str
    pos: int


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
  | (?P<ident>`[^`]*(?:`|\Z)|[A-Za-z_][A-Za-z0-9_]*)
  | (?P<param>\$[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>\d+\.\d+(?:[eE][-+]?\d+)?|\d+(?:[eE][-+]?\d+)?)
  | (?P<op>\.\.|<>|<=|>=|=~|->|<-|.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokenize(text: str) -> list[Token]:
    """Split Cypher text into tokens; joining their texts gives ``text`` back."""
    return [Token(m.lastgroup or "op", m.group(), m.start()) for m in _TOKEN.finditer(text)]


def position(text: str, offset: int) -> tuple[int, int]:
    """``(line, column)``, both from 1, of a character offset in ``text``."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def located(file: str, text: str, offset: int, message: str) -> QueryError:
    """A QueryError naming ``file:line:column`` of ``offset`` in ``text``, showing the line and a caret."""
    line, col = position(text, offset)
    src = text.split("\n")[line - 1]
    start = max(0, col - 1 - 60)  # show at most 60 characters either side of the column
    shown = ("…" if start else "") + src[start : col - 1 + 60] + ("…" if len(src) > col - 1 + 60 else "")
    caret = " " * (col - 1 - start + (1 if start else 0)) + "^"
    return QueryError(f"{file}:{line}:{col}: {message}\n  {shown}\n  {caret}")


def query_parameters(text: str) -> set[str]:
    """The parameter names (``$name``) used in Cypher text, outside strings and comments.

    >>> sorted(query_parameters("MATCH (a {id: $id}) // $not_this\\nRETURN '$nor_this', $k"))
    ['id', 'k']
    """
    return {t.text[1:] for t in tokenize(text) if t.kind == "param"}


# --------------------------------------------------------------------------- query files

_PARAM_LINE = re.compile(
    r"^\$?(?P<name>[A-Za-z_]\w*)\s*\(\s*(?P<type>[a-z]+(?:\[\])?)\s*"
    r"(?:,\s*default\s+(?P<default>.*?))?\s*\)\s*:?\s*(?P<help>.*)$"
)


def parse_query(text: str, *, file: str = "<query>", name: str | None = None) -> QueryFile:
    """Read a query's header (the comment lines before the first statement).

    Raises
    ------
    QueryError
        When a parameter line in the header cannot be read or its default does not fit
        its type.

    Examples
    --------
    >>> q = parse_query("// Who?\\n// Parameters:\\n//   k (int, default 3): how many\\nRETURN $k AS k")
    >>> q.description, q.params[0].default
    ('Who?', 3)
    """
    lines = text.split("\n")
    header: list[tuple[int, str]] = []
    for i, line in enumerate(lines, 1):
        s = line.strip()
        if s.startswith("//"):
            header.append((i, s[2:].rstrip()))
        elif s:
            break
    description = ""
    params: list[Param] = []
    example: list[str] = []
    section = "text"
    for lineno, raw in header:
        s = raw.strip()
        low = s.lower().rstrip(":")
        if not description and s:
            description = s
            continue
        if low in ("parameters", "params"):
            section = "params"
            continue
        if low in ("example", "examples"):
            section = "example"
            continue
        if low in ("parameters: none", "parameters none"):
            section = "text"
            continue
        if section == "params" and s:
            m = _PARAM_LINE.match(s)
            if not m:
                raise QueryError(
                    f"{file}:{lineno}: cannot read the parameter line {s!r} "
                    "(fix: write it as 'name (type, default VALUE): what it means')"
                )
            ptype = m["type"]
            _check_type(ptype, f"{file}:{lineno}")
            default, has_default = None, m["default"] is not None
            if has_default:
                default = parse_param_value(m["name"], m["default"].strip(), ptype, where=f"{file}:{lineno}")
            params.append(Param(m["name"], ptype, default, has_default, m["help"].strip()))
        elif section == "example" and s:
            example.append(s)
    header_text = "\n".join(line for _, line in header)
    return QueryFile(
        text=text,
        file=file,
        name=name or Path(file).stem,
        description=description,
        params=tuple(params),
        example="\n".join(example),
        header=header_text,
    )


def read_query(path: str | Path) -> QueryFile:
    """Read a query file (``.cypher``) or a library query by name."""
    p = resolve_query(path)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise QueryError(f"{p}: cannot read the query file: {exc.strerror}") from None
    return parse_query(text, file=str(p), name=p.stem)


def library_dirs() -> list[Path]:
    """Where the query library lives: inside the installed package, then the repository."""
    here = Path(__file__).resolve().parent.parent  # graphkit/
    dirs = [here / "queries", here.parent / "queries"]
    return [d for d in dirs if d.is_dir()]


def library() -> list[QueryFile]:
    """Every query in the library, by name (the first directory wins on a clash)."""
    seen: dict[str, QueryFile] = {}
    for d in library_dirs():
        for f in sorted(d.glob("*.cypher")):
            if f.stem not in seen:
                seen[f.stem] = read_query(f)
    return [seen[k] for k in sorted(seen)]


def resolve_query(name: str | Path) -> Path:
    """A query file path, or a library query's file when ``name`` has no path and no file by that name exists.

    Raises
    ------
    QueryError
        When neither a file nor a library query has that name (the message lists the library).
    """
    p = Path(name)
    if p.is_file():
        return p
    if p.exists():
        raise QueryError(f"{p}: not a file; give a .cypher file or a library query name")
    if len(p.parts) == 1:
        stem = p.name[: -len(".cypher")] if p.name.endswith(".cypher") else p.name
        for d in library_dirs():
            f = d / f"{stem}.cypher"
            if f.is_file():
                return f
    names = sorted({f.stem for d in library_dirs() for f in d.glob("*.cypher")})
    hint = f"library queries: {', '.join(names)}" if names else "no query library found"
    raise QueryError(f"{name}: no such query file or library query ({hint}; see graphkit query --list)")


# --------------------------------------------------------------------------- parameters


def _check_type(ptype: str, where: str) -> None:
    base = ptype[:-2] if ptype.endswith("[]") else ptype
    if base not in PARAM_TYPES:
        raise QueryError(
            f"{where}: unknown parameter type {ptype!r}; expected one of "
            + ", ".join(PARAM_TYPES)
            + " or a list such as string[]"
        )


def parse_param_value(name: str, text: str, ptype: str | None = None, *, where: str = "--param") -> Any:
    """Turn the text of a parameter value into a value of its type.

    Without a declared type the value is read as an int, a float, ``true``/``false``,
    ``null`` or else as text. A list type splits on commas.

    >>> parse_param_value("n", "3", "int"), parse_param_value("x", "0.5"), parse_param_value("k", "a,b", "string[]")
    (3, 0.5, ['a', 'b'])
    """
    if ptype is None:
        for conv in (int, float):
            try:
                return conv(text)
            except ValueError:
                pass
        low = text.lower()
        if low in ("true", "false"):
            return low == "true"
        if low == "null":
            return None
        return text
    _check_type(ptype, where)
    if ptype.endswith("[]"):
        items = [s.strip() for s in text.split(",")] if text.strip() else []
        return [parse_param_value(name, s, ptype[:-2], where=where) for s in items]
    try:
        if ptype == "string":
            return text
        if ptype == "int":
            return int(text)
        if ptype == "float":
            value = float(text)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
            return value
        if ptype == "bool":
            low = text.strip().lower()
            if low in ("true", "yes", "1"):
                return True
            if low in ("false", "no", "0"):
                return False
            raise ValueError
        if ptype == "date":
            return _dt.date.fromisoformat(text.strip())
    except ValueError:
        pass
    examples = {"int": "3", "float": "0.5", "bool": "true", "date": "2024-01-31", "string": "text"}
    raise QueryError(
        f"{where}: parameter {name!r} must be {ptype}, got {text!r} (fix: e.g. {name}={examples[ptype]})"
    )


def parse_param_args(args: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """``--param`` arguments (``name=value`` or ``name:type=value``) as ``{name: (text, type)}``."""
    out: dict[str, tuple[str, str | None]] = {}
    for arg in args:
        name, sep, value = arg.partition("=")
        if not sep:
            raise QueryError(f"--param {arg!r}: expected name=value (e.g. --param alliance=NATO)")
        name, _, ptype = name.strip().partition(":")
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise QueryError(f"--param {arg!r}: {name!r} is not a parameter name (letters, digits, _)")
        if ptype:
            _check_type(ptype, f"--param {arg!r}")
        if name in out:
            raise QueryError(f"--param {name} is given twice")
        out[name] = (value, ptype or None)
    return out


def bind_params(query: QueryFile, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The parameter values to run ``query`` with: given ones (typed), then header defaults.

    ``given`` maps names to values; a value that is a ``(text, type)`` pair (as from
    :func:`parse_param_args`) is parsed with the header's declared type.

    Raises
    ------
    QueryError
        When a given parameter is not used by the query, or a used one has neither a
        value nor a default.
    """
    given = dict(given or {})
    used = query.param_names
    unknown = sorted(set(given) - used)
    if unknown:
        avail = ", ".join(sorted(used)) or "none"
        raise QueryError(
            f"{query.file}: unknown parameter{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(unknown)}: the query does not use {'them' if len(unknown) > 1 else 'it'} "
            f"(its parameters: {avail})"
        )
    values: dict[str, Any] = {}
    missing = []
    for name in sorted(used):
        decl = query.declared(name)
        if name in given:
            v = given[name]
            if isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str):
                text, ptype = v
                v = parse_param_value(name, text, ptype or (decl.type if decl else None))
            values[name] = v
        elif decl is not None and decl.has_default:
            values[name] = decl.default
        else:
            missing.append(name)
    if missing:
        raise QueryError(
            f"{query.file}: parameter{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"used but not given (fix: --param {missing[0]}=VALUE)"
        )
    return values


# --------------------------------------------------------------------------- dialect bridge

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
                j < close and toks[j].kind == "ident" and not toks[j].text.startswith("`")
                and k < close and toks[k].text.lower() == "in"
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
        elif depth == 0 and tt.kind == "ident" and tt.text.lower() == "where" and where is None and bar is None:
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


# --------------------------------------------------------------------------- checks and results


def check_query(query: QueryFile) -> None:
    """Refuse, with the line and column, what no engine should be sent.

    Labels and relationship types outside the schema's vocabulary are errors (Neo4j would
    quietly return nothing), and a file holds one statement.

    Raises
    ------
    QueryError
        Naming ``file:line:column``.
    """
    from graphkit import schema

    toks = tokenize(query.text)
    sig = [t for t in toks if t.kind not in ("ws", "comment")]
    if not sig:
        raise QueryError(f"{query.file}: the query is empty (only comments)")
    for k, t in enumerate(sig):
        if t.text == ";" and any(s.text != ";" for s in sig[k + 1 :]):
            raise located(query.file, query.text, t.pos, "one statement per query; remove what follows ';'")
    depth = 0
    for t in sig:
        if t.kind == "op" and t.text in "([{":
            depth += 1
            if depth > MAX_NESTING:
                raise located(query.file, query.text, t.pos,
                              f"brackets nested more than {MAX_NESTING} deep; simplify the expression")
        elif t.kind == "op" and t.text in ")]}":
            depth = max(0, depth - 1)
    known = set(schema.LABELS) | set(schema.RELATIONSHIP_TYPES)
    stack: list[str] = []
    for k, t in enumerate(sig):
        if t.kind == "op" and t.text in "([{":
            stack.append(t.text)
            continue
        if t.kind == "op" and t.text in ")]}":
            if stack:
                stack.pop()
            continue
        if not stack or stack[-1] == "{" or t.kind != "ident" or k == 0:
            continue
        before = sig[k - 1].text
        # a label (a:Actor), a type [r:MEMBER_OF|COOPERATES_WITH] or [:A|:B]
        is_name = before == ":" or (before == "|" and stack[-1] == "[" and _in_rel_types(sig, k))
        if is_name:
            name = t.text.strip("`")
            if name not in known:
                what = "relationship type" if stack[-1] == "[" else "label"
                options = schema.RELATIONSHIP_TYPES if stack[-1] == "[" else schema.LABELS
                raise located(query.file, query.text, t.pos,
                              f"unknown {what} {name!r}; expected one of {', '.join(options)}")


def _in_rel_types(sig: list[Token], k: int) -> bool:
    """Whether the ``|`` before ``sig[k]`` separates relationship types (``[:A|B]``)."""
    j = k - 1
    while j > 0 and sig[j].text != "[":
        if sig[j].text == ":":
            return True
        if sig[j].kind not in ("ident",) and sig[j].text not in ("|", ":"):
            return False
        j -= 1
    return False


@dataclass
class QueryResult:
    """Rows of a query: column names and one tuple per row (plain Python values)."""

    columns: list[str]
    rows: list[tuple[Any, ...]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]

    def to_frame(self) -> Any:
        """The rows as a :class:`pandas.DataFrame` with the result's columns."""
        import pandas as pd

        return pd.DataFrame(list(self.rows), columns=list(self.columns))

    def __len__(self) -> int:
        return len(self.rows)


def as_result(obj: Any) -> QueryResult:
    """A :class:`QueryResult` from what a store returns: itself, a DataFrame, ``(columns, rows)`` or records."""
    if isinstance(obj, QueryResult):
        return obj
    if hasattr(obj, "columns") and hasattr(obj, "itertuples"):
        return QueryResult([str(c) for c in obj.columns], [tuple(r) for r in obj.itertuples(index=False, name=None)])
    if isinstance(obj, tuple) and len(obj) == 2:
        cols, rows = obj
        return QueryResult(list(cols), [tuple(r) for r in rows])
    if hasattr(obj, "keys") and hasattr(obj, "values") and callable(obj.keys) and not isinstance(obj, dict):
        recs = list(obj)  # a driver result
        cols = list(obj.keys()) if not recs else list(recs[0].keys())
        return QueryResult(cols, [tuple(r.values()) for r in recs])
    recs = list(obj)
    if recs and isinstance(recs[0], Mapping):
        cols = list(recs[0].keys())
        return QueryResult(cols, [tuple(r.get(c) for c in cols) for r in recs])
    if not recs:
        return QueryResult([], [])
    raise TypeError(f"cannot read a query result from {type(obj).__name__}")
