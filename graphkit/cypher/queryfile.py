"""Cypher query files and the query library: their comment header, declared parameters, checks.

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

The library is the ``.cypher`` files of ``queries/`` (shipped in the wheel as
``graphkit/queries``): a new library query is one file there with such a header.
Parameters are typed and bound in :mod:`graphkit.cypher.params`; how a query runs on the
embedded engine is described in :mod:`graphkit.cypher.translate`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphkit.cypher.lexer import Token, located, query_parameters, tokenize
from graphkit.cypher.params import check_type, parse_param_value
from graphkit.defaults import DEFAULT_THRESHOLD
from graphkit.errors import FormatError, QueryError
from graphkit.loaders.source import kind_problem, read_input

__all__ = [
    "SHARED_DEFAULTS",
    "bind_params",
    "Param",
    "QueryFile",
    "parse_query",
    "read_query",
    "library_dirs",
    "library",
    "resolve_query",
    "check_query",
    "MAX_NESTING",
    "MAX_QUERY_CHARS",
]

#: The longest query text accepted (characters); longer texts are refused before any parsing.
MAX_QUERY_CHARS = 1_000_000

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
    empty_means: str = ""
    """What an empty answer means (the header's ``Empty result:`` line), if it says."""

    @property
    def param_names(self) -> set[str]:
        """Names of the parameters the query's text uses (``$name``)."""
        return query_parameters(self.text)

    def declared(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


SHARED_DEFAULTS: dict[str, Any] = {"DEFAULT_THRESHOLD": DEFAULT_THRESHOLD}
"""Defaults a query file may name instead of writing a value (``default DEFAULT_THRESHOLD``),
so that the library's queries follow :mod:`graphkit.defaults` when it changes."""

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
    >>> q = parse_query("// Held?\\n// Parameters:\\n//   t (float, default DEFAULT_THRESHOLD): level\\nRETURN $t")
    >>> q.params[0].default == gk.defaults.DEFAULT_THRESHOLD
    True
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"{file}: the query text is {len(text):,} characters long, more than the {MAX_QUERY_CHARS:,} accepted: "
            "pass long values as parameters ($name) instead of writing them in the query"
        )
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
    empty: list[str] = []
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
        if low.startswith("empty result") and ":" in s:
            empty.append(s.split(":", 1)[1].strip())
            section = "empty"
            continue
        if section == "empty" and s and not low.startswith(("example", "parameters")):
            empty.append(s)
            continue
        if section == "params" and s:
            m = _PARAM_LINE.match(s)
            if not m:
                raise QueryError(
                    f"{file}:{lineno}: cannot read the parameter line {s!r} "
                    "(fix: write it as 'name (type, default VALUE): what it means')"
                )
            ptype = m["type"]
            check_type(ptype, f"{file}:{lineno}")
            default, has_default = None, m["default"] is not None
            if has_default:
                text_default = m["default"].strip()
                if text_default in SHARED_DEFAULTS:  # a default graphkit defines once (defaults.py)
                    text_default = str(SHARED_DEFAULTS[text_default])
                default = parse_param_value(m["name"], text_default, ptype, where=f"{file}:{lineno}")
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
        empty_means=" ".join(empty),
    )


def read_query(path: str | Path) -> QueryFile:
    """Read a query file (``.cypher``) or a library query by name."""
    p = resolve_query(path)
    try:
        text = read_input(p).decode("utf-8")  # a regular file only: a FIFO would block
    except UnicodeDecodeError as exc:
        raise QueryError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except FormatError as exc:
        raise QueryError(str(exc)) from None
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
        what = kind_problem(p) or f"{p.name} is not a file"
        raise QueryError(f"{p.parent / what}; give a .cypher file or a library query name")
    if len(p.parts) == 1:
        stem = p.name[: -len(".cypher")] if p.name.endswith(".cypher") else p.name
        for d in library_dirs():
            f = d / f"{stem}.cypher"
            if f.is_file():
                return f
    names = sorted({f.stem for d in library_dirs() for f in d.glob("*.cypher")})
    hint = f"library queries: {', '.join(names)}" if names else "no query library found"
    raise QueryError(f"{name}: no such query file or library query ({hint}; see graphkit query --list)")


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
                raise located(
                    query.file,
                    query.text,
                    t.pos,
                    f"brackets nested more than {MAX_NESTING} deep; simplify the expression",
                )
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
                raise located(
                    query.file,
                    query.text,
                    t.pos,
                    f"unknown {what} {name!r}; expected one of {', '.join(options)}",
                )


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
