"""The dataset loader: types, encodings, and every problem named with file, line and column."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

import graphkit as gk
from graphkit.errors import DatasetError, FormatError

HEADERS = {
    "actors.csv": "id,name,kind\n",
    "capabilities.csv": "id,name\n",
    "threats.csv": "id,name\n",
    "relationships.csv": "source,type,target\n",
}


def make_dataset(root: Path, **files: str) -> Path:
    """A dataset folder: the given files (name without .csv → text), others header-only."""
    root.mkdir(parents=True, exist_ok=True)
    for name, header in HEADERS.items():
        text = files.get(name.removesuffix(".csv"), header)
        (root / name).write_text(text, encoding="utf-8") if isinstance(text, str) else (
            root / name
        ).write_bytes(text)
    return root


def problems_of(path) -> list:
    with pytest.raises(DatasetError) as info:
        gk.load_dataset(path)
    return info.value.problems


def test_types_are_inferred_per_column(tmp_path):
    d = make_dataset(
        tmp_path / "d",
        actors="id,name,kind,founded,active,budget,joined,aliases,code,iso\n"
        "A,Alpha,state,1990,true,1.5,2004-03-29,a1; a2 ;a3,001,DEU\n"
        "B,Beta,alliance,,FALSE,2,,,002,\n",
    )
    G = gk.load_dataset(d)
    a, b = G.nodes["A"], G.nodes["B"]
    assert a["founded"] == 1990 and type(a["founded"]) is int
    assert a["active"] is True and b["active"] is False
    assert a["budget"] == 1.5 and b["budget"] == 2.0 and type(b["budget"]) is float
    assert a["joined"] == dt.date(2004, 3, 29)
    assert a["aliases"] == ["a1", "a2", "a3"]
    assert a["code"] == "001"  # leading zero: text, not a number
    assert "founded" not in b and "iso" not in b  # empty cell = absent
    assert a["iso"] == "DEU"


def test_declared_types_win(tmp_path):
    d = make_dataset(
        tmp_path / "d",
        actors="id,name,kind,zip:string,members:string[],score:float,flag:bool\nA,Alpha,state,12345,x;y,3,true\n",
    )
    a = gk.load_dataset(d).nodes["A"]
    assert a["zip"] == "12345" and a["members"] == ["x", "y"] and a["score"] == 3.0 and a["flag"] is True


def test_bom_and_quoted_newlines(tmp_path):
    d = make_dataset(
        tmp_path / "d",
        actors=b'\xef\xbb\xbfid,name,kind\nA,"Line one\nline two, with comma",state\nB,Beta,state\n',
    )
    G = gk.load_dataset(d)
    assert G.nodes["A"]["name"] == "Line one\nline two, with comma"
    d2 = make_dataset(tmp_path / "e", actors='id,name,kind\nA,"x\ny",state\nB,Beta,state,extra\n')
    (p,) = problems_of(d2)
    assert p.line == 4  # physical line of the bad row, after the two-line quoted cell


def test_the_six_problems_of_the_bar_are_all_reported(tmp_path):
    """(a) unknown id, (b) duplicate id, (c) missing type column, (d) unknown type,
    (e) level=high, (f) MEMBER_OF from a Threat: every one, with file and line."""
    base = make_dataset(
        tmp_path / "bad",
        actors="id,name,kind\nA,Alpha,state\nA,Alpha again,state\nN,NATO,alliance\n",
        capabilities="id,name\nc,Cap\n",
        threats="id,name\nt,Threat\n",
        relationships="source,type,target,level\n"
        "A,MEMBER_OF,NOPE,\n"
        "A,LIKES,N,\n"
        "A,HAS_CAPABILITY,c,high\n"
        "t,MEMBER_OF,N,\n",
    )
    got = {(Path(p.file).name, p.line, p.column): p.message for p in problems_of(base)}
    assert ("actors.csv", 3, "id") in got and "duplicate id" in got[("actors.csv", 3, "id")]
    assert "does not resolve" in got[("relationships.csv", 2, "target")]
    assert "unknown relationship type 'LIKES'" in got[("relationships.csv", 3, "type")]
    assert "not a number" in got[("relationships.csv", 4, "level")]
    assert "cannot start from a Threat" in got[("relationships.csv", 5, "source")]
    # (c): a relationships file with no type column
    (base / "relationships.csv").write_text("source,target\nA,N\n")
    (p,) = [p for p in problems_of(base) if Path(p.file).name == "relationships.csv"]
    assert (p.line, p.column) == (1, "type") and "required column 'type' is missing" in p.message


def test_cli_validate_prints_every_problem_without_traceback(tmp_path):
    d = make_dataset(
        tmp_path / "bad",
        actors="id,name,kind\nA,Alpha,state\nA,Again,state\n",
        relationships="source,type,target\nA,MEMBER_OF,B\nA,FRIENDS,A\n",
    )
    out = subprocess.run(
        [sys.executable, "-m", "graphkit", "validate", str(d)], capture_output=True, text=True
    )
    assert out.returncode == 1
    assert "Traceback" not in out.stderr + out.stdout
    assert f"{d / 'actors.csv'}:3: column 'id': duplicate id 'A'" in out.stderr
    assert f"{d / 'relationships.csv'}:2: column 'target'" in out.stderr
    assert f"{d / 'relationships.csv'}:3: column 'type': unknown relationship type 'FRIENDS'" in out.stderr


@pytest.mark.parametrize(
    "cell, kind, fragment",
    [
        ("2024-02-30", "date", "not a calendar date"),
        ("1e999", "float", "too large"),
        ("NaN", "float", "not a number"),
        ("e5", "float", "not a number"),  # an exponent with no digits before it
        ("maybe", "bool", "not true or false"),
    ],
)
def test_bad_cells_in_typed_columns(tmp_path, cell, kind, fragment):
    d = make_dataset(tmp_path / "d", actors=f"id,name,kind,x:{kind}\nA,Alpha,state,{cell}\n")
    (p,) = problems_of(d)
    assert (p.line, p.column) == (2, "x") and fragment in p.message


def test_a_mostly_numeric_column_reports_the_stray_word(tmp_path):
    d = make_dataset(
        tmp_path / "d", actors="id,name,kind,budget\nA,a,state,1\nB,b,state,2\nC,c,state,3\nD,d,state,lots\n"
    )
    (p,) = problems_of(d)
    assert (p.line, p.column) == (5, "budget") and "budget:string" in p.fix


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("id,name,kind\nA,Caf\xe9,state\n".encode("latin-1"), "not UTF-8"),
        ("id,name,kind\nA,Alpha,state\n".encode("utf-16"), "UTF-16"),
        (b"id,name,kind\nA,Al\x00pha,state\n", "NUL byte"),
        (b"", "empty"),
        (b'id,name,kind\nA,"unterminated,state\n', "not valid CSV"),
    ],
)
def test_unreadable_files(tmp_path, raw, fragment):
    d = make_dataset(tmp_path / "d", actors=raw)
    (p,) = problems_of(d)
    assert Path(p.file).name == "actors.csv" and fragment in p.message


def test_header_problems(tmp_path):
    d = make_dataset(tmp_path / "d", actors="id,name,kind,name,bad col,x:colour\nA,a,state,b,c,d\n")
    msgs = [(p.column, p.message) for p in problems_of(d)]
    assert any(c == "name" and "twice" in m for c, m in msgs)
    assert any(c == "bad col" and "not allowed" in m for c, m in msgs)
    assert any("unknown type 'colour'" in m for _, m in msgs)


def test_missing_files_and_formats(tmp_path):
    d = make_dataset(tmp_path / "d")
    (d / "threats.csv").unlink()  # optional: a plain actor network has no threats
    (d / "capabilities.csv").unlink()
    assert gk.load(d).number_of_nodes() == 0  # header-only actors.csv: loads, empty
    (d / "relationships.csv").unlink()
    (p,) = problems_of(d)
    assert Path(p.file).name == "relationships.csv" and "missing" in p.message
    with pytest.raises(FormatError, match="no such file"):
        gk.load(tmp_path / "nowhere")
    (tmp_path / "x.txt").write_text("hi")
    with pytest.raises(FormatError, match="unknown input format"):
        gk.load(tmp_path / "x.txt")


def test_problems_are_capped_but_counted(tmp_path):
    rows = "".join(f"a{i},n,state\n" for i in range(10)) * 2
    d = make_dataset(tmp_path / "d", actors="id,name,kind\n" + rows)
    with pytest.raises(DatasetError) as info:
        gk.load_dataset(d, max_problems=3)
    assert len(info.value.problems) == 3 and info.value.truncated == 7
    assert "10 problems found" in str(info.value)


def test_xlsx_problems_name_sheet_and_row(tmp_path):
    G = gk.load(gk.SAMPLE)
    path = gk.write(G, tmp_path / "s.xlsx")
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["relationships"].cell(row=3, column=3).value = "NOWHERE"
    wb.save(path)
    (p,) = problems_of(path)
    assert p.file.endswith("s.xlsx[relationships]") and p.line == 3 and p.column == "target"


def test_formula_text_in_xlsx_is_read_as_text_never_evaluated(tmp_path):
    import openpyxl

    path = tmp_path / "f.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "actors"
    wb["actors"].append(["id", "name", "kind"])
    wb["actors"].append(["A", "=1+1", "state"])
    for sheet, header in (
        ("capabilities", ["id", "name"]),
        ("threats", ["id", "name"]),
        ("relationships", ["source", "type", "target"]),
    ):
        wb.create_sheet(sheet).append(header)
    wb.save(path)
    assert gk.load(path).nodes["A"]["name"] == "=1+1"


def test_large_tables_report_progress_and_quiet_stays_silent(tmp_path):
    import io

    from graphkit.progress import Progress

    # years (since is a date) and a distinct weight per row (exact duplicates are refused)
    rows = "".join(f"A,COOPERATES_WITH,B,{1900 + i % 100},{i}\n" for i in range(25_000))
    d = make_dataset(
        tmp_path / "d",
        actors="id,name,kind\nA,a,state\nB,b,state\n",
        relationships="source,type,target,since,weight\n" + rows,
    )
    out = io.StringIO()
    G = gk.load(d, progress=Progress(stream=out))
    assert G.number_of_edges() == 25_000
    assert out.getvalue().splitlines()[-1] == "relationships.csv: 25,000/25,000 rows"
    quiet = io.StringIO()
    gk.load(d, progress=Progress(quiet=True, stream=quiet))
    assert quiet.getvalue() == ""
