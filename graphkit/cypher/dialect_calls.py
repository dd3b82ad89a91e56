"""Function calls rewritten by the dialect bridge (:mod:`graphkit.cypher.dialect`)."""

from __future__ import annotations

from graphkit.cypher.dialect_text import RENAMES, Base, Ctx
from graphkit.cypher.lexer import Token

__all__: list[str] = []

_TYPE_NAMES = {"INT64": "integer", "DOUBLE": "float", "BOOL": "boolean", "DATE": "date", "LIST": "list"}

#: Functions Neo4j gives a string (a number or list is an error there, text for the engine).
_STRING_FUNCTIONS = frozenset(
    {
        "substring",
        "left",
        "right",
        "trim",
        "ltrim",
        "rtrim",
        "toupper",
        "tolower",
        "upper",
        "lower",
        "split",
        "replace",
    }
)


class Calls(Base):
    def call(self, t: Token, low: str, open_: int, close: int, end: int, ctx: Ctx) -> bool:
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
            self.emit(open_ + 1, close, Ctx(ctx.renames, ctx.in_lambda, kind, ctx.types))
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
        if low in _STRING_FUNCTIONS and args:
            arg_type = self.type_of(*args[0], ctx)
            if arg_type is not None and arg_type not in ("STRING", "NULL"):
                shown = "list" if arg_type.endswith("]") else _TYPE_NAMES.get(arg_type, arg_type.lower())
                self.refuse(
                    t.pos,
                    f"{t.text}() of {'an' if shown[0] in 'aeiou' else 'a'} {shown} is refused: Neo4j raises an error for it (the embedded engine "
                    "would convert it to text); apply toString() first",
                )
        if low in ("keys", "properties") and len(args) == 1:
            s = self.sigs(*args[0])
            if not (s and s[0].text == "{"):
                self.refuse(
                    t.pos,
                    f"{t.text}() of a node or relationship is refused: the embedded engine lists every declared "
                    "property, also those the node does not have, where Neo4j lists only those it has; "
                    "return the properties by name (n.name, n.kind ...)",
                )
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
        if low in RENAMES:
            emit_args(RENAMES[low])
            return True
        return False

    def conversion(self, t: Token, low: str, arg: tuple[int, int], endpos: int, ctx: Ctx) -> None:
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
