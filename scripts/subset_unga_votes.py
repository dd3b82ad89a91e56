"""Copy the part of the UN General Assembly voting data that graphkit uses into data/unga-votes/.

Kept: every recorded vote of sessions 69-74 (2014-2019: the "recent period" of the alignment
analysis) and every "Developments in the field of information and telecommunications" /
cyber vote of earlier sessions. Values are copied unchanged; rows are sorted by rcid and
country code, and the gzip header carries no time stamp, so a rerun gives the same bytes.

    python scripts/subset_unga_votes.py ../shared/data/unga-votes data/unga-votes
"""

from __future__ import annotations

import argparse
import gzip
import io
from pathlib import Path

import pandas as pd

__all__ = ["main", "FIRST_SESSION", "LAST_SESSION", "EARLIER_CYBER_RCIDS"]

FIRST_SESSION = 69
LAST_SESSION = 74
#: A/RES/60/45 (2005), 61/54 (2006), 63/37 (2008), 71/28 (2016 is in the period already).
EARLIER_CYBER_RCIDS = (4618, 4700, 4864)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "source", type=Path, help="the full data (roll_calls.csv, votes.csv.gz, roll_call_issues.csv)"
    )
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    rc = pd.read_csv(args.source / "roll_calls.csv", dtype=str, keep_default_na=False)
    session = rc["session"].astype(int)
    keep = rc[session.between(FIRST_SESSION, LAST_SESSION) | rc["rcid"].astype(int).isin(EARLIER_CYBER_RCIDS)]
    keep = keep.sort_values("rcid", key=lambda s: s.astype(int))
    rcids = set(keep["rcid"])
    votes = pd.read_csv(args.source / "votes.csv.gz", dtype=str, keep_default_na=False)
    votes = votes[votes["rcid"].isin(rcids)].copy()
    votes["_r"] = votes["rcid"].astype(int)
    votes = votes.sort_values(["_r", "country_code"]).drop(columns="_r")
    issues = pd.read_csv(args.source / "roll_call_issues.csv", dtype=str, keep_default_na=False)
    issues = issues[issues["rcid"].isin(rcids)]
    args.output.mkdir(parents=True, exist_ok=True)
    keep.to_csv(args.output / "roll_calls.csv", index=False)
    issues.to_csv(args.output / "roll_call_issues.csv", index=False)
    buf = io.StringIO()
    votes.to_csv(buf, index=False)
    with (
        open(args.output / "votes.csv.gz", "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(buf.getvalue().encode("utf-8"))
    print(f"{len(keep)} roll calls, {len(votes)} votes, {len(issues)} issue codes -> {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
