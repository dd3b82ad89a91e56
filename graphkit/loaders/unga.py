"""Read the UN General Assembly recorded votes (Voeten, Strezhnev & Bailey) shipped in data/unga-votes/."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from graphkit.errors import FormatError

__all__ = ["read_unga_votes", "UNGA_VOTE_COLUMNS", "UNGA_CODE_ALIASES", "UNGA_SOURCE"]

UNGA_VOTE_COLUMNS = ("rcid", "session", "date", "unres", "short", "country_code", "country", "vote")

#: Codes of the voting data that stand for another state's ISO code in 2006-2019: the data
#: names Serbia's seat "Yugoslavia" (YU) in those years (no RS row exists; Montenegro votes
#: apart as ME since 2006), so YU is read as Serbia (RS).
UNGA_CODE_ALIASES = {"YU": "RS"}

UNGA_SOURCE = (
    "Voeten, Strezhnev and Bailey, United Nations General Assembly Voting Data "
    "(Harvard Dataverse, hdl:1902.1/12379), via the unvotes package"
)


def read_unga_votes(
    path: str | os.PathLike[str], *, first_session: int | None = None, last_session: int | None = None
) -> pd.DataFrame:
    """One row per state and recorded vote: ``rcid, session, date, unres, short, country_code,
    country, vote`` (``vote`` yes, no or abstain; ``country_code`` ISO 3166-1 alpha-2, aliases
    of :data:`UNGA_CODE_ALIASES` applied), sorted by rcid and code.

    ``path`` is a folder holding ``roll_calls.csv`` and ``votes.csv.gz`` (or ``votes.csv``);
    sessions outside ``first_session..last_session`` are left out.

    Raises
    ------
    FormatError
        When a file is missing or lacks a column.

    Examples
    --------
    >>> v = read_unga_votes(gk.SAMPLE.parent / "unga-votes", first_session=73, last_session=73)
    >>> v[v.unres == "R/73/27"].vote.value_counts().to_dict()
    {'yes': 119, 'no': 46, 'abstain': 14}
    """
    path = Path(path)
    votes_file = next((f for f in (path / "votes.csv.gz", path / "votes.csv") if f.is_file()), None)
    calls_file = path / "roll_calls.csv"
    if votes_file is None or not calls_file.is_file():
        raise FormatError(
            f"{path}: not a UN General Assembly votes folder (needs roll_calls.csv and votes.csv.gz); "
            "give the path of data/unga-votes"
        )
    calls = pd.read_csv(calls_file, dtype=str, keep_default_na=False)
    votes = pd.read_csv(votes_file, dtype=str, keep_default_na=False)  # Namibia's code is "NA"
    for file, table, need in (
        (calls_file, calls, ("rcid", "session", "date", "unres", "short")),
        (votes_file, votes, ("rcid", "country_code", "country", "vote")),
    ):
        missing = [c for c in need if c not in table.columns]
        if missing:
            raise FormatError(
                f"{file}: line 1: column(s) {', '.join(missing)} missing; use the unvotes CSV layout"
            )
    calls = calls[["rcid", "session", "date", "unres", "short"]].copy()
    calls["session"] = pd.to_numeric(calls["session"], errors="coerce")
    if first_session is not None:
        calls = calls[calls["session"] >= first_session]
    if last_session is not None:
        calls = calls[calls["session"] <= last_session]
    out = votes.merge(calls, on="rcid", how="inner")
    out["country_code"] = out["country_code"].replace(UNGA_CODE_ALIASES)
    out["rcid"] = out["rcid"].astype(int)
    out["session"] = out["session"].astype(int)
    out = out.sort_values(["rcid", "country_code"], kind="stable").reset_index(drop=True)
    return out[list(UNGA_VOTE_COLUMNS)]
