"""graphkit.files: the one CSV writer (line breaks, formulas), text for terminals and pages, output paths."""

from __future__ import annotations

import csv
import io
import re
import unicodedata

import pandas as pd
import pytest

import graphkit as gk
from graphkit.cli import main
from graphkit.errors import OutputError
from graphkit.files import (
    LINE_BREAKS,
    check_output_folder,
    csv_row,
    escape_terminal,
    isolate_bidi,
    neutralise_formula,
    write_csv,
)

# Independent of graphkit's list: every character str.splitlines() breaks at (the Python
# documentation's table), which is also what spreadsheets and csv readers may break at.
SPLITLINES_BREAKS = [chr(c) for c in range(0x110000) if len(f"a{chr(c)}b".splitlines()) == 2]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "\t=1",
    '=HYPERLINK("http://x")',
]


def _read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_line_breaks_are_exactly_what_splitlines_breaks_at():
    assert sorted(SPLITLINES_BREAKS) == sorted(LINE_BREAKS)


@pytest.mark.parametrize("brk", SPLITLINES_BREAKS, ids=lambda c: unicodedata.name(c, f"U+{ord(c):04X}"))
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_cell_with_any_line_break_stays_one_cell_and_no_line_starts_a_formula(brk, payload):
    cell = f"NATO{brk}{payload}"
    out = io.StringIO()
    write_csv(out, ["name", "n"], [[cell, 1], ["after", 2]])
    rows = _read_back(out.getvalue())
    assert rows[0] == ["name", "n"] and len(rows) == 3, rows  # no row break inside the cell
    assert rows[1][1] == "1" and rows[2] == ["after", "2"]
    got = rows[1][0]
    assert not got.startswith(FORMULA_START)
    # a reader that splits the cell at the break sees no formula either
    for line in got.splitlines():
        assert not line.startswith(FORMULA_START), (line, got)
    assert got.replace(brk + "'", brk) == cell  # only the ' was added


@pytest.mark.parametrize("brk", SPLITLINES_BREAKS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_line_based_reader_sees_no_unquoted_break(brk):
    text = csv_row([f"a{brk}=1", "b"], neutralise=False)
    assert text.startswith('"') and text.endswith('",b')


def test_the_leading_cell_and_plain_values():
    assert _read_back(
        csv_row(["=1+1", "'quoted", "x,y", 'say "hi"', None, 2.5, True, float("nan")]) + "\n"
    ) == [["'=1+1", "''quoted", "x,y", 'say "hi"', "", "2.5", "true", ""]]
    assert csv_row([""]) == '""'  # a record of one empty cell is not a blank line
    assert neutralise_formula("a\n=1") == "a\n=1"  # lines=False: only the start (datasets round-trip)


@pytest.mark.parametrize("brk", ["\r", "\n", "\r\n", "\x85", "\u2028", "\u2029"])  # VT, FF: refused at load
def test_every_csv_output_quotes_and_neutralises(tmp_path, brk):
    """Dataset, analysis, report and query CSVs built from names holding a line break + formula."""
    src = tmp_path / "in"
    gk.write_dataset(gk.load(gk.SAMPLE), src)
    actors = (src / "actors.csv").read_text(encoding="utf-8").splitlines()
    head, rows = actors[0], actors[1:]
    cols = next(csv.reader([head]))
    i = cols.index("name")
    bad = []
    for k, line in enumerate(rows):
        cells = next(csv.reader([line]))
        if k < len(PAYLOADS):
            cells[i] = f"{cells[i]}{brk}{PAYLOADS[k]}"
        bad.append(cells)
    with open(src / "actors.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows([cols, *bad])
    G = gk.load(src)
    assert main(["convert", str(src), str(tmp_path / "ds")]) == 0
    assert main(["analyze", str(src), "-o", str(tmp_path / "an"), "-q"]) == 0
    assert main(["report", str(src), "-o", str(tmp_path / "rep"), "-q"]) == 0
    csvs = list((tmp_path / "ds").glob("*.csv")) + list((tmp_path / "an").glob("*.csv"))
    csvs += list((tmp_path / "rep").glob("*.csv"))
    assert len(csvs) > 10
    seen = 0
    for f in csvs:
        with open(f, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        width = len(rows[0])
        for row in rows:
            assert len(row) == width, (f.name, row)  # no record was split at a break
            for cell in row:
                seen += brk in cell
                if f.parent.name != "ds":
                    for line in cell.splitlines() or [""]:
                        assert not line.startswith(FORMULA_START) or _number(line), (f.name, cell)
                else:
                    assert not cell.startswith(FORMULA_START) or _number(cell), (f.name, cell)
    assert seen >= len(PAYLOADS)
    assert gk.graph_diff(G, gk.load(tmp_path / "ds")) == []  # the dataset still round-trips


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_query_csv_output_is_one_record_per_row(tmp_path, capsys):
    src = tmp_path / "in"
    G = gk.load(gk.SAMPLE)
    G.nodes["NATO"]["name"] = "NATO\r=cmd|' /C calc'!A0"
    gk.write_dataset(G, src)
    q = tmp_path / "q.cypher"
    q.write_text("MATCH (a:Actor) RETURN a.id AS id, a.name AS name ORDER BY a.id")
    assert main(["query", str(q), str(src), "-f", "csv", "-q"]) == 0
    rows = _read_back(capsys.readouterr().out)
    assert all(len(r) == 2 for r in rows)
    nato = dict(rows[1:])["NATO"]
    assert nato == "NATO\r'=cmd|' /C calc'!A0"


# ---- text for terminals and pages ----------------------------------------------------------


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("a\rb", "a\\rb"),
        ("a\x85b", "a\\x85b"),
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("a\u202eb", "a\\u202eb"),
        ("a\u2028b", "a\\u2028b"),
        ("a\x9bb", "a\\x9bb"),
        ("Côte d’Ivoire", "Côte d’Ivoire"),
        ("a\tb", "a\\tb"),
    ],
)
def test_escape_terminal(raw, shown):
    assert escape_terminal(raw) == shown
    assert escape_terminal(raw).isprintable()


def test_query_and_recommend_tables_escape_controls(tmp_path, capsys):
    src = tmp_path / "in"
    G = gk.load(gk.SAMPLE)
    for n in G:
        if G.nodes[n].get("label") == "Actor":
            G.nodes[n]["name"] = f"{n}\rX\x85Y\u202eZ"
    gk.write_dataset(G, src)
    q = tmp_path / "q.cypher"
    q.write_text("MATCH (a:Actor) RETURN a.name AS name ORDER BY a.id")
    assert main(["query", str(q), str(src), "-q"]) == 0
    table = capsys.readouterr().out
    assert "\r" not in table and "\x85" not in table and "\u202e" not in table
    assert "\\rX\\x85Y\\u202eZ" in table
    actor = next(n for n in G if G.nodes[n].get("label") == "Actor" and G.nodes[n].get("kind") == "state")
    main(["recommend", str(src), actor])
    out = capsys.readouterr().out
    assert out and "\r" not in out and "\x85" not in out and "\u202e" not in out
    assert "\\rX\\x85Y\\u202eZ" in out


def test_isolate_bidi_closes_every_override_inside():
    s = isolate_bidi("abc\u202edef")
    assert s[0] == "\u2068" and s[-1] == "\u2069" and unicodedata.bidirectional(s[0]) == "FSI"
    assert isolate_bidi("plain") == "plain"


def test_report_isolates_names_with_bidi_controls(tmp_path):
    src = tmp_path / "in"
    G = gk.load(gk.SAMPLE)
    G.nodes["NATO"]["name"] = "NATO\u202eevil"
    gk.write_dataset(G, src)
    assert main(["report", str(src), "-o", str(tmp_path / "r"), "-q", "--focus", "NATO"]) == 0
    for page in ("index.html", "report.md"):
        text = (tmp_path / "r" / page).read_text(encoding="utf-8")
        # the framed interactive graph carries the names as JSON data (shown by textContent)
        text = re.sub(r'srcdoc="[^"]*"', "", text)
        assert text.count("\u202e") >= 1
        # every override sits inside an isolate that closes right after it
        for m in re.finditer("\u202e", text):
            before, after = text[: m.start()], text[m.end() :]
            assert before.rfind("\u2068") > before.rfind("\u2069"), page
            assert after.find("\u2069") != -1 and after.find("\u2069") < (
                after.find("\n") if "\n" in after else 10**9
            )


# ---- output folders -----------------------------------------------------------------------------


def test_check_output_folder_lists_what_is_foreign(tmp_path):
    d = tmp_path / "d"
    (d / "sub").mkdir(parents=True)
    (d / "a.csv").write_text("x")
    (d / "sub" / "b.txt").write_text("x")
    check_output_folder(d, {"a.csv", "sub", "sub/b.txt"}.__contains__, what="dataset")
    with pytest.raises(OutputError, match=r"\(sub/b.txt\)"):
        check_output_folder(d, {"a.csv", "sub"}.__contains__, what="dataset")


def test_analysis_tables_leave_other_files_alone(tmp_path):
    out = tmp_path / "an"
    out.mkdir()
    (out / "notes.md").write_text("mine")
    assert main(["analyze", str(gk.SAMPLE), "-o", str(out), "-q"]) == 0
    assert (out / "notes.md").read_text() == "mine"
    assert main(["analyze", str(gk.SAMPLE), "-o", str(out), "-q"]) == 0
    assert (out / "notes.md").read_text() == "mine" and (out / "centrality.csv").is_file()


def test_write_frame_matches_pandas_for_plain_values(tmp_path):
    """The writer agrees with pandas' to_csv where no line break or formula is involved."""
    from graphkit.files import write_frame_csv

    df = pd.DataFrame({"id": ["a", "b"], "x": [0.1, 2.0], "n": [1, 2], "t": ["p q", "r,s"]})
    write_frame_csv(df, tmp_path / "a.csv")
    df.to_csv(tmp_path / "b.csv", index=False, lineterminator="\n")
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()


def test_write_frame_text_columns_equal_the_cell_writer(tmp_path):
    """Text columns (object and pyarrow strings) written column-wise equal write_csv's cells
    on random texts full of commas, quotes, formula starts and line breaks."""
    import io
    import random

    from graphkit.files import write_csv, write_frame_csv

    chars = ["a", ",", '"', "=", "+", "-", "@", "\t", "\r", "\n", "\u2028", "'", " ", "é", "\x1c"]
    rng = random.Random(0)
    texts = ["".join(rng.choice(chars) for _ in range(rng.randint(0, 6))) for _ in range(2000)]
    vals = [
        *texts,
        None,
        float("nan"),
        3,
        2.5,
        True,
        pd.NA,
        -2,
        10**20,
        -0.0,
        1e300,
        float("inf"),
        float("-inf"),
    ]
    df = pd.DataFrame(
        {"x": pd.Series(vals, dtype=object), "y": pd.Series([*texts, *"abcdef"], dtype="string")}
    )
    write_frame_csv(df, tmp_path / "a.csv")
    want = io.StringIO()
    write_csv(want, df.columns, df.itertuples(index=False, name=None))
    assert (tmp_path / "a.csv").read_bytes().decode("utf-8") == want.getvalue()


def test_write_dataset_into_a_folder_with_notes_replaces_only_the_tables(tmp_path):
    d = tmp_path / "ds"
    G = gk.load(gk.SAMPLE)
    gk.write_dataset(G, d)
    (d / "README.md").write_text("sources", encoding="utf-8")
    (d / ".git").mkdir()
    (d / ".git" / "HEAD").write_text("ref")
    (d / "actors.csv").write_text("id,name,kind\nX,Old,state\n")  # a stale table is replaced
    gk.write_dataset(G, d)
    assert gk.graph_diff(G, gk.load(d)) == []
    assert (d / "README.md").read_text(encoding="utf-8") == "sources" and (
        d / ".git" / "HEAD"
    ).read_text() == "ref"
    assert sorted(p.name for p in d.iterdir()) == [
        ".git",
        "README.md",
        "actors.csv",
        "capabilities.csv",
        "relationships.csv",
        "threats.csv",
    ]


def test_replace_files_changes_nothing_when_a_write_fails(tmp_path):
    import errno

    from graphkit.files import replace_files

    d = tmp_path / "ds"
    d.mkdir()
    (d / "a.csv").write_text("old a")
    (d / "b.csv").write_text("old b")
    with (
        pytest.raises(OutputError, match="no space left on device"),
        replace_files(d, ["a.csv", "b.csv"]) as t,
    ):
        (t / "a.csv").write_text("new a")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert (d / "a.csv").read_text() == "old a" and (d / "b.csv").read_text() == "old b"
    assert sorted(p.name for p in d.iterdir()) == ["a.csv", "b.csv"]


def test_write_frame_string_and_nullable_int_columns_equal_the_cell_writer(tmp_path):
    """Columns of pandas' string dtypes (plain, or holding formula starts and line breaks,
    with missing values) and nullable integer dtypes are written at once without the cell
    function: the same bytes as write_csv on every value passed through it, as before."""
    import io
    import math
    import random

    from graphkit.files import write_csv, write_frame_csv

    def cell(v):  # as the analysis writer's: text and whole numbers as they are
        if isinstance(v, bool):
            return "true" if v else "false"
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return ""
        return v

    rng = random.Random(1)
    plain = ["".join(rng.choice("abc é'x.") for _ in range(rng.randint(0, 5))) for _ in range(500)]
    plain = [t for t in plain if not t.startswith("'")]
    n = len(plain)
    special = list(plain)
    special[7], special[100], special[-1] = "=1+1", "a\nb", "x,y"
    nul = list(plain)
    nul[3] = "a\x00=b"  # a NUL inside a text followed by a formula start: not a cell start
    ints = [rng.choice([None, -(2**62), 0, 7, 10**15]) for _ in range(n)]
    frames = [
        pd.DataFrame(
            {
                "a": pd.Series([*plain[:-1], None], dtype=dtype),
                "b": pd.Series(special, dtype=dtype),
                "c": pd.Series(nul, dtype=dtype),
                "i": pd.Series(ints, dtype="Int64"),
                "u": pd.Series([None if x is None else abs(x) % 250 for x in ints], dtype="UInt8"),
            }
        )
        for dtype in ("str", "string", "string[python]")
    ]
    for df in frames:
        for conv in (None, cell):
            write_frame_csv(df, tmp_path / "a.csv", cell=conv)
            want = io.StringIO()
            rows = (
                [conv(v) if conv is not None else v for v in row]
                for row in df.astype(object).itertuples(index=False, name=None)
            )
            write_csv(want, df.columns, rows)
            assert (tmp_path / "a.csv").read_bytes().decode("utf-8") == want.getvalue()


@pytest.mark.parametrize("rows_at_once", [1, 7, 5_000])
def test_write_frame_in_blocks_of_rows_gives_the_same_bytes(tmp_path, monkeypatch, rows_at_once):
    """A table turned into text a block of rows at a time is write_csv's, byte for byte (one
    column with empty cells, mixed columns, an empty table, a table with no columns)."""
    import io

    import graphkit.files as files

    monkeypatch.setattr(files, "FRAME_ROWS_AT_ONCE", rows_at_once)
    texts = ["a", "", "=x", None, "b,c", "d"] * 5
    frames = [
        pd.DataFrame({"t": pd.Series(texts, dtype=object)}),
        pd.DataFrame(
            {
                "t": pd.Series(texts, dtype="str"),
                "f": [0.1 * i if i % 4 else float("nan") for i in range(30)],
                "n": range(30),
                "b": [i % 3 == 0 for i in range(30)],
                "r": pd.Series([None if i % 5 == 0 else i for i in range(30)], dtype="Int64"),
                "g": pd.Series(
                    [
                        [-0.0, float("inf"), float("-inf"), 1e300, 5e-324, float("nan")][i % 6]
                        for i in range(30)
                    ],
                    dtype="float32" if rows_at_once == 7 else "float64",
                ),
                "k": pd.Series([2**63 - 1 - i for i in range(30)], dtype="uint64"),
            }
        ),
        pd.DataFrame({"x": pd.Series([], dtype=float)}),
        pd.DataFrame(index=range(3)),
    ]
    for df in frames:
        files.write_frame_csv(df, tmp_path / "a.csv")
        want = io.StringIO()
        files.write_csv(want, df.columns, df.astype(object).itertuples(index=False, name=None))
        assert (tmp_path / "a.csv").read_bytes().decode("utf-8") == want.getvalue()
