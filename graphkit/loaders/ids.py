"""Ids a reader cannot tell apart: invisible characters, and letters of one script posing as another's.

Three checks every loader applies to node ids (on top of :func:`graphkit.graph.id_key`,
which catches ids that differ only in case or Unicode normalisation):

* :func:`invisible_problem`: an id may not hold an invisible character: a format
  character (Unicode general category Cf: zero-width space and joiners, the byte-order
  mark U+FEFF, bidirectional controls), another default-ignorable code point (variation
  selectors, Hangul fillers, the combining grapheme joiner) or a line break or tab. Such
  an id looks like another one and does not match it. A byte-order mark at the start of a
  line (two files pasted together) is the common case.
* :func:`mixed_script_problem`: one word of an id (a run of letters) may not mix Latin,
  Greek and Cyrillic letters: ``UЅA`` with a Cyrillic ``Ѕ`` is refused. Words in different
  scripts (``actor:Роскомнадзор``) are fine.
* :func:`skeleton`: two ids with the same confusable skeleton (Unicode Technical Standard
  #39, section 4) but different spellings look the same; loaders refuse the second one
  when either holds a character beyond ASCII (ASCII-only pairs such as ``APT1``/``APTl``
  are not reported). The skeleton uses a built-in table (:mod:`graphkit.loaders._confusables`)
  made from Unicode's confusables.txt, limited to ASCII, Latin, Greek and Cyrillic letters
  and combining marks: look-alikes from other scripts (Cherokee, Armenian ...) are not
  detected.
"""

from __future__ import annotations

import unicodedata

from graphkit.loaders._confusables import PROTOTYPES

__all__ = [
    "IdChecks",
    "invisible_problem",
    "mixed_script_problem",
    "skeleton",
    "look_alike_problem",
    "id_problem",
    "char_name",
    "first_invisible",
]

# Default-ignorable code points that are not format characters (Cf), from Unicode's
# DerivedCoreProperties.txt: the combining grapheme joiner, Hangul fillers, Khmer
# inherent vowels, Mongolian free variation selectors, variation selectors.
_IGNORABLE = frozenset(
    [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F, 0x3164, 0xFFA0]
    + list(range(0xFE00, 0xFE10))
    + list(range(0xE0100, 0xE01F0))
)
_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


def char_name(ch: str) -> str:
    """``'U+FEFF ZERO WIDTH NO-BREAK SPACE'``: a character by code point and Unicode name."""
    name = unicodedata.name(ch, None)
    if name is None:
        name = {"\t": "CHARACTER TABULATION", "\n": "LINE FEED", "\r": "CARRIAGE RETURN"}.get(ch)
    if name is None:
        return (
            f"U+{ord(ch):04X} (a control character)"
            if unicodedata.category(ch) == "Cc"
            else f"U+{ord(ch):04X}"
        )
    return f"U+{ord(ch):04X} {name}"


def first_invisible(text: str) -> tuple[int, str] | None:
    """``(position, character)`` (1-based) of the first invisible character in ``text``."""
    for i, ch in enumerate(text, start=1):
        cat = unicodedata.category(ch)
        if cat == "Cf" or cat == "Cc" or cat in ("Zl", "Zp") or ord(ch) in _IGNORABLE:
            return i, ch
    return None


def invisible_problem(node_id: str, what: str = "id") -> str | None:
    """Why ``node_id`` cannot be an id because it holds an invisible character, or None.

    >>> invisible_problem("\\ufeffGBR")
    "id '\\\\ufeffGBR' holds U+FEFF ZERO WIDTH NO-BREAK SPACE at position 1, an invisible character"
    """
    found = first_invisible(node_id)
    if found is None:
        return None
    pos, ch = found
    return f"{what} {_shown(node_id)} holds {char_name(ch)} at position {pos}, an invisible character"


def mixed_script_problem(node_id: str) -> str | None:
    """Why ``node_id`` looks like another id because one of its words mixes Latin, Greek
    and Cyrillic letters, or None.

    >>> mixed_script_problem("U\\u0405A")
    "id 'U\\\\u0405A' mixes Latin and Cyrillic letters in one word (U+0405 CYRILLIC CAPITAL LETTER DZE at position 2)"
    >>> mixed_script_problem("actor:\\u0420\\u0424") is None
    True
    """
    word: list[tuple[int, str, str]] = []  # (position, character, script) of the current word's letters
    for i, ch in enumerate(unicodedata.normalize("NFC", node_id) + " ", start=1):
        cat = unicodedata.category(ch)
        if cat.startswith(("L", "M")):
            if cat.startswith("L"):
                script = unicodedata.name(ch, "").split(" ", 1)[0]
                if script in _SCRIPTS:
                    word.append((i, ch, script))
            continue
        scripts = {s for _, _, s in word}
        if len(scripts) > 1:
            # Name the first letter not in the word's main script (the one most letters use).
            main = max(scripts, key=lambda s: (sum(1 for _, _, x in word if x == s), s == "LATIN"))
            pos, odd, _ = next(w for w in word if w[2] != main)
            names = " and ".join(s.title() for s in sorted(scripts, key=lambda s: (s != main, s)))
            return (
                f"id {_shown(node_id)} mixes {names} letters in one word ({char_name(odd)} at position {pos})"
            )
        word = []
    return None


def skeleton(text: str) -> str:
    """The confusable skeleton of ``text`` (UTS #39 section 4, over the built-in table;
    compatibility forms are folded by NFKC first).

    >>> skeleton("U\\u0405A") == skeleton("USA")
    True
    """
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text))
    return unicodedata.normalize("NFD", "".join(PROTOTYPES.get(ord(ch), ch) for ch in decomposed))


def look_alike_problem(node_id: str, other: str, where: str) -> str:
    """The message for ``node_id`` whose skeleton equals that of ``other`` (first seen ``where``)."""
    odd = next(((i, ch) for i, ch in enumerate(node_id, start=1) if not ch.isascii()), None)
    if odd is None:
        odd = next(((i, ch) for i, ch in enumerate(other, start=1) if not ch.isascii()), (1, other[:1]))
        detail = f"{_shown(other)} holds {char_name(odd[1])} at position {odd[0]}"
    else:
        detail = f"{char_name(odd[1])} at position {odd[0]}"
    return (
        f"id {_shown(node_id)} is confusable with id {_shown(other)} ({where}): they look the same "
        f"(Unicode confusable skeleton, UTS #39; {detail})"
    )


def is_reportable_pair(a: str, b: str) -> bool:
    """Whether two different ids with one skeleton are reported (not both ASCII)."""
    return a != b and not (a.isascii() and b.isascii())


def id_problem(node_id: str) -> str | None:
    """The first of :func:`invisible_problem` and :func:`mixed_script_problem`, or None."""
    return invisible_problem(node_id) or mixed_script_problem(node_id)


def _shown(text: str, limit: int = 60) -> str:
    """An id as a message shows it: invisible and non-ASCII characters escaped."""
    shown = ascii(text[:limit])
    return shown + ("..." if len(text) > limit else "")


class IdChecks:
    """The checks above for the ids of one graph as a loader adds them, in order.

    ``check(id, where)`` returns the problems of a new node id (``where`` says where it
    is, for later messages: ``"actors.csv line 2"``, ``"nodes[0]"``); ``unresolved(id)``
    explains an id that a relationship names and no node has (an invisible character,
    or a look-alike of an existing id).
    """

    def __init__(self) -> None:
        self._skeletons: dict[str, tuple[str, str]] = {}

    def check(self, node_id: str, where: str) -> list[str]:
        if not isinstance(node_id, str):
            return []
        found = invisible_problem(node_id)
        if found:
            return [found]
        skel = skeleton(node_id)
        earlier = self._skeletons.setdefault(skel, (node_id, where))
        if earlier[0] != node_id and is_reportable_pair(node_id, earlier[0]):
            return [look_alike_problem(node_id, *earlier)]
        mixed = mixed_script_problem(node_id)
        return [mixed] if mixed else []

    def unresolved(self, node_id: object, end: str) -> str | None:
        """A message for a relationship endpoint that resolves to no node, or None for the plain one."""
        if not isinstance(node_id, str):
            return None
        found = invisible_problem(node_id, what=f"{end} id")
        if found:
            return found + " and does not resolve to any node"
        earlier = self._skeletons.get(skeleton(node_id))
        if earlier is not None and is_reportable_pair(node_id, earlier[0]):
            return (
                f"{end} id {_shown(node_id)} does not resolve to any node; it looks like id "
                f"{_shown(earlier[0])} ({earlier[1]})"
            )
        return None
