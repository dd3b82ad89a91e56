"""Write the positions of data/cyber-multilateral: norms.csv (cyber resolutions, conventions) and positions.csv.

Reads the recorded votes shipped in data/unga-votes/ (Voeten, Strezhnev and Bailey's UN
General Assembly voting data; see its README) and the states of
data/cyber-multilateral/actors.csv (matched on their ``iso2`` code), and writes one ``Norm``
per cyber resolution listed in :data:`CYBER_VOTES` and one ``POSITION`` (stance yes, no or
abstain) per state that voted on it; then the endorsements of data/endorsements/
(:data:`ENDORSEMENT_NORMS`: the UN Convention against Cybercrime's signatures). Deterministic: rows are sorted, nothing depends on the
clock, so a rerun gives the same bytes. It never touches the dataset's other files.

    python scripts/build_positions.py            # writes data/cyber-multilateral/{norms,positions}.csv
    python scripts/build_positions.py --check    # exit 1 if the files differ from a fresh build
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import pandas as pd

__all__ = ["CYBER_VOTES", "CODE_ALIASES", "ENDORSEMENT_NORMS", "VOTES_SOURCE", "build", "main"]

ROOT = Path(__file__).resolve().parent.parent
VOTES = ROOT / "data" / "unga-votes"
DATASET = ROOT / "data" / "cyber-multilateral"

VOTES_SOURCE = (
    "Voeten, Strezhnev and Bailey, United Nations General Assembly Voting Data "
    "(Harvard Dataverse, hdl:1902.1/12379), via the unvotes package; data/unga-votes"
)
_README = "the unga-votes data README (data/unga-votes/README.md: 'the United States' text', 'Russia's text')"
#: Where each resolution's main sponsor is named.
_SPONSOR_SOURCE = {
    "A/RES/73/27": "UN meeting coverage GA/DIS/3619 (First Committee, 2018: 'tabled by the Russian Federation'); "
    + _README,
    "A/RES/73/266": _README,
    "A/RES/74/28": _README,
    "A/RES/74/29": _README,
}

#: The cyber resolutions that become Norm nodes: rcid -> (id, sponsors, topic, description).
#: Sponsors are the main sponsor named in the source given in ``sponsors_source``; empty when
#: no source seen names one.
CYBER_VOTES: dict[int, tuple[str, tuple[str, ...], str, str]] = {
    6073: (
        "A/RES/73/27",
        ("RUS",),
        "international security",
        "Russia's text: convenes the Open-ended Working Group and lists norms of responsible State behaviour",
    ),
    6138: (
        "A/RES/73/187",
        (),
        "cybercrime",
        "Countering the use of information and communications technologies for criminal purposes (2018)",
    ),
    6156: (
        "A/RES/73/266",
        ("USA",),
        "international security",
        "the United States' text: a new Group of Governmental Experts on responsible State behaviour",
    ),
    9076: ("A/RES/74/28", ("USA",), "international security", "the United States' text, 2019"),
    9093: ("A/RES/74/29", ("RUS",), "international security", "Russia's text, 2019"),
    9087: (
        "A/RES/74/247",
        (),
        "cybercrime",
        "Countering the use of ICTs for criminal purposes: sets up the committee that drafted the UN "
        "Convention against Cybercrime",
    ),
}


#: Codes of the voting data that stand for another state's ISO code in the years used here:
#: the data names Serbia's seat "Yugoslavia" (YU) in 2014-2019 (no RS row exists; Montenegro
#: votes apart as ME since 2006), so YU is read as Serbia (RS).
CODE_ALIASES = {"YU": "RS"}


ENDORSEMENTS = ROOT / "data" / "endorsements"

#: Endorsement files: file -> the Norm they give a position on, and the stance of each row.
ENDORSEMENT_NORMS: dict[str, dict[str, str]] = {
    "un-cybercrime-convention-signatures.csv": {
        "id": "UN-CYBERCRIME-CONVENTION",
        "name": "United Nations Convention against Cybercrime",
        "kind": "convention",
        "date": "2024-12-24",
        "topic": "cybercrime",
        "description": "adopted by General Assembly resolution 79/243; opened for signature in Hanoi on "
        "25-26 October 2025. Signatures partial: 68 states and the EU of the 72 signatories "
        "the UN Treaty Collection counts (data/endorsements/README.md)",
        "source": "UN Treaty Collection, Chapter XVIII.16, United Nations Convention against Cybercrime; "
        "signatures: data/endorsements/un-cybercrime-convention-signatures.csv",
        "stance": "signed",
        # a signature list says less than a contested vote: not signing is no recorded position,
        # so the list can only add agreement (docs/alignment.md, "Definitions")
        "weight": "0.5",
    },
}


def _endorsements(
    folder: Path, actor_ids: set[str]
) -> tuple[list[dict[str, str]], list[dict[str, str]], list[str]]:
    norms, positions, notes = [], [], []
    for file, norm in sorted(ENDORSEMENT_NORMS.items()):
        rows = pd.read_csv(folder / file, dtype=str, keep_default_na=False).sort_values("actor_id")
        norms.append({k: v for k, v in norm.items() if k != "stance"})
        for actor, date, source in zip(rows["actor_id"], rows["date"], rows["source"], strict=True):
            if actor not in actor_ids:
                notes.append(f"{norm['id']}: {actor} is not an actor of the dataset")
                continue
            positions.append(
                {
                    "source": actor,
                    "type": "POSITION",
                    "target": norm["id"],
                    "stance": norm["stance"],
                    "date": date,
                    "source_ref": source,
                }
            )
    return norms, positions, notes


def build(
    votes_dir: Path = VOTES, dataset: Path = DATASET, endorsements: Path = ENDORSEMENTS
) -> tuple[str, str, list[str]]:
    """``(norms.csv text, positions.csv text, notes)``; notes name votes of states not in the dataset."""
    rc = pd.read_csv(votes_dir / "roll_calls.csv", dtype=str, keep_default_na=False)
    votes = pd.read_csv(votes_dir / "votes.csv.gz", dtype=str, keep_default_na=False)
    actors = pd.read_csv(dataset / "actors.csv", dtype=str, keep_default_na=False)
    states = actors[(actors["kind"] == "state") & (actors["iso2"] != "")]
    by_iso2 = dict(zip(states["iso2"], states["id"], strict=True))
    norm_rows, pos_rows, notes = [], [], []
    for rcid, (norm_id, sponsors, topic, description) in sorted(CYBER_VOTES.items(), key=lambda x: x[1][0]):
        call = rc[rc["rcid"] == str(rcid)]
        if len(call) != 1:
            raise SystemExit(f"roll call {rcid} ({norm_id}) is not in {votes_dir / 'roll_calls.csv'}")
        call = call.iloc[0]
        these = votes[votes["rcid"] == str(rcid)].sort_values("country_code")
        counts = these["vote"].value_counts()
        tally = f"{counts.get('yes', 0)}-{counts.get('no', 0)}-{counts.get('abstain', 0)}"
        norm_rows.append(
            {
                "id": norm_id,
                "name": call["short"].strip() or call["descr"].strip(),
                "kind": "resolution",
                "date": call["date"],
                "sponsors": ";".join(sponsors),
                "sponsors_source": _SPONSOR_SOURCE.get(norm_id, "") if sponsors else "",
                "topic": topic,
                "description": description,
                "recorded_vote": tally,
                "rcid": str(rcid),
                "source": f"UN General Assembly recorded vote, rcid {rcid}: {VOTES_SOURCE}",
            }
        )
        for code, country, vote in zip(these["country_code"], these["country"], these["vote"], strict=True):
            actor = by_iso2.get(CODE_ALIASES.get(code, code))
            if actor is None:
                notes.append(
                    f"{norm_id}: {country} ({code}) voted {vote} but is not a state of {dataset.name}"
                )
                continue
            pos_rows.append(
                {
                    "source": actor,
                    "type": "POSITION",
                    "target": norm_id,
                    "stance": vote,
                    "date": call["date"],
                    "source_ref": f"UN General Assembly recorded vote, rcid {rcid} ({VOTES_SOURCE})",
                }
            )
    more_norms, more_positions, more_notes = _endorsements(endorsements, set(actors["id"]))
    columns = [*norm_rows[0], "weight"]
    norm_rows = [{k: r.get(k, "") for k in columns} for r in norm_rows]
    for n in more_norms:  # the same columns as the resolutions (those it lacks stay empty)
        norm_rows.append({k: n.get(k, "") for k in columns})
    pos_rows += more_positions
    return _csv(norm_rows), _csv(pos_rows), notes + more_notes


def _csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=Path, default=VOTES)
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--check", action="store_true", help="compare with the files instead of writing")
    args = parser.parse_args(argv)
    norms, positions, notes = build(args.votes, args.dataset)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    files = {"norms.csv": norms, "positions.csv": positions}
    if args.check:
        stale = [n for n, text in files.items() if (args.dataset / n).read_text(encoding="utf-8") != text]
        print("up to date" if not stale else f"out of date: {', '.join(stale)}")
        return 1 if stale else 0
    for name, text in files.items():
        (args.dataset / name).write_text(text, encoding="utf-8")
    print(
        f"wrote {args.dataset / 'norms.csv'} ({norms.count(chr(10)) - 1} norms) and "
        f"{args.dataset / 'positions.csv'} ({positions.count(chr(10)) - 1} positions)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
