"""The column-by-column loader (graphkit/loaders/columnar.py) against the row-by-row one.

A clean folder must give the very same graph both ways: the same nodes in the same order,
the same relationships with the same keys in the same order, the same attributes in the
same order with the same value types. Anything that is not clean must make the column
loader give up (return None), so that the error a user sees is the row-by-row loader's,
byte for byte. The row-by-row loader is reached by switching the column loader off.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphkit as gk
from graphkit.errors import GraphkitError
from graphkit.loaders import tabular
from graphkit.loaders.columnar import load_clean_folder

DATA = Path(__file__).resolve().parents[2] / "data"
CORPUS = Path(__file__).resolve().parents[1] / "hostile" / "corpus"


def snapshot(G):
    """Everything a load decides, order and types included."""
    return (
        dict(G.graph),
        [(n, list(d.items()), [type(v) for v in d.values()]) for n, d in G.nodes(data=True)],
        [
            (u, v, k, list(d.items()), [type(x) for x in d.values()])
            for u, v, k, d in G.edges(keys=True, data=True)
        ],
        [(u, list(G.succ[u]), list(G.pred[u])) for u in G],
    )


def row_by_row(path, **kwargs):
    saved = tabular.load_clean_folder
    tabular.load_clean_folder = lambda *a, **k: None
    try:
        return gk.load(path, **kwargs)
    finally:
        tabular.load_clean_folder = saved


def outcome(load, path, **kwargs):
    """``("graph", snapshot)`` or ``("error", class, message)``."""
    try:
        return ("graph", snapshot(load(path, **kwargs)))
    except GraphkitError as exc:
        return ("error", type(exc).__name__, str(exc))


def assert_same(path, *, clean: bool | None = None):
    """Both loaders agree in both duplicate modes; ``clean``: whether the column loader must take it."""
    for mode in ("merge", "error"):  # want: the default mode's outcome
        got, want = outcome(gk.load, path, duplicates=mode), outcome(row_by_row, path, duplicates=mode)
        assert got == want, mode
    fast = load_clean_folder(Path(path))
    if want[0] == "error":
        assert fast is None
    elif fast is not None:
        assert snapshot(fast) == want[1]
    if clean is not None:
        assert (fast is not None) == clean
    return want


def write(folder: Path, **tables: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**BASE, **tables}.items():
        (folder / f"{name}.csv").write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return folder


BASE = {
    "actors": "id,name,kind,region,founded,aliases\n"
    "USA,United States,state,Americas,1776,\n"
    "GBR,United Kingdom,state,Europe,,UK;Britain\n"
    "NATO,North Atlantic Treaty Organization,alliance,Europe,1949,\n",
    "capabilities": "id,name\ncap:ir,Incident response\n",
    "threats": "id,name\nthreat:x,Threat X\n",
    "relationships": "source,type,target,since,level,weight,source_ref\n"
    "USA,MEMBER_OF,NATO,1949,,,North Atlantic Treaty\n"
    "GBR,MEMBER_OF,NATO,1949,,,North Atlantic Treaty\n"
    "USA,HAS_CAPABILITY,cap:ir,,0.9,,\n"
    "USA,COOPERATES_WITH,GBR,2001,,0.5,\n"
    "threat:x,TARGETS,GBR,,,,\n",
}
REL = BASE["relationships"]


@pytest.mark.parametrize("name", ["sample", "cyber-multilateral"])
def test_bundled_datasets_load_the_same_column_by_column(name):
    assert_same(DATA / name, clean=True)


def test_a_synthetic_dataset_loads_the_same_and_as_written(tmp_path):
    from benchmarks.synthetic import synthetic_graph

    G = synthetic_graph(400, seed=3)
    folder = gk.write_dataset(G, tmp_path / "synthetic")
    assert_same(folder, clean=True)
    assert gk.graph_diff(G, gk.load(folder), limit=5) == []  # what was written comes back


def test_values_are_typed_as_the_header_and_cells_say(tmp_path):
    d = write(
        tmp_path / "d",
        actors="id,name,kind,founded:date,ok:bool,tags,score:int[]\n"
        "USA,'=United States,state,1776-07-04,TRUE,a; b ;,1;-2\n"
        "GBR, United Kingdom,state,,false,,\n"
        "NATO,NATO,alliance,,,;,\n",
    )
    assert_same(d, clean=True)
    G = gk.load(d)
    assert G.nodes["USA"] == {
        "name": "=United States",
        "kind": "state",
        "founded": dt.date(1776, 7, 4),
        "ok": True,
        "tags": ["a", "b"],
        "score": [1, -2],
        "label": "Actor",
    }
    assert G.nodes["GBR"]["name"] == " United Kingdom" and G.nodes["NATO"]["tags"] == []
    assert list(G["USA"]["NATO"][0]) == ["type", "since", "source"]  # source_ref last, as source
    assert G["USA"]["GBR"][0]["weight"] == 0.5 and G["USA"]["NATO"][0]["since"] == 1949


# Clean variations the column loader must take (and load as the row-by-row loader does).
CLEAN = {
    "crlf": {"relationships": REL.replace("\n", "\r\n")},
    "bom": {"actors": b"\xef\xbb\xbf" + BASE["actors"].encode()},
    "blank-lines": {"relationships": REL + "\n,,,,,,\n \n\n"},
    "short-rows": {"relationships": REL + "GBR,COOPERATES_WITH,USA\n"},
    "long-empty-rows": {"relationships": REL + "GBR,COOPERATES_WITH,USA,,,,,,  ,\n"},
    "quoted-newline": {"capabilities": 'id,name\ncap:ir,"Incident\nresponse"\n'},
    "unnamed-empty-column": {"threats": "id,name,\nthreat:x,Threat X,\n"},
    "parallel-relationships": {"relationships": REL + "USA,COOPERATES_WITH,GBR,2001,,0.7,\n"},
    "non-ascii-ids": {"actors": BASE["actors"] + "Россия,Russia,state,Europe,,\nTürkiye,Türkiye,state,,,\n"},
    "int-as-float-text": {"relationships": REL.replace("since,", "since:int,").replace("2001", "2001.0")},
    "empty-tables": {
        "capabilities": "id,name\n",
        "threats": "id,name\n",
        "relationships": "source,type,target\n",
    },
    "attribution": {
        "actors": BASE["actors"] + "CHN,China,state,Asia,,\n",
        "relationships": REL.replace(",source_ref", ",source_ref,basis")
        + "threat:x,ATTRIBUTED_TO,CHN,,,,,sponsor\n",
    },
    "dates": {"relationships": "source,type,target,since,until\nUSA,COOPERATES_WITH,GBR,2001-05-03,2003\n"},
}

# Each needs a closer look: the column loader must give up, the errors are the row-by-row ones.
DIRTY = {
    "unknown-kind": {"actors": BASE["actors"] + "XX,X,planet,,,\n"},
    "id-spaces": {"actors": BASE["actors"] + " XX,X,state,,,\n"},
    "kind-spaces": {"actors": BASE["actors"] + "XX,X,state ,,,\n"},
    "empty-id": {"actors": BASE["actors"] + ",X,state,,,\n"},
    "missing-name": {"actors": BASE["actors"] + "XX,,state,,,\n"},
    "id-case": {"actors": BASE["actors"] + "usa,US,state,,,\n"},
    "duplicate-id": {"threats": "id,name\nthreat:x,Threat X\nthreat:x,Threat Y\n"},
    "id-in-two-files": {"threats": "id,name\nthreat:x,Threat X\nUSA,US threat\n"},
    "cyrillic-look-alike": {"actors": BASE["actors"] + "U\u0405A,US,state,,,\n"},
    "invisible-id": {"actors": BASE["actors"] + "\ufeffGBX,X,state,,,\n"},
    "tab-in-id": {"actors": BASE["actors"] + '"G\tB",X,state,,,\n'},
    "control-char": {"capabilities": "id,name\ncap:ir,Incident\x01response\n"},
    "label-column": {"threats": "id,name,label\nthreat:x,Threat X,Actor\n"},
    "key-column": {
        "relationships": REL.replace(",source_ref", ",source_ref,key") + "USA,COOPERATES_WITH,GBR,,,,,1\n"
    },
    "repeated-row": {"relationships": REL + "threat:x,TARGETS,GBR,,,,\n"},
    "same-values": {"relationships": REL + "USA,COOPERATES_WITH,GBR,2001,,0.50,\n"},
    "dangling": {"relationships": REL + "USA,COOPERATES_WITH,FRA,,,,\n"},
    "wrong-end": {"relationships": REL + "cap:ir,MEMBER_OF,NATO,,,,\n"},
    "unknown-type": {"relationships": REL + "USA,LIKES,GBR,,,,\n"},
    "type-spaces": {"relationships": REL + "USA, COOPERATES_WITH,GBR,,,,\n"},
    "self-loop": {"relationships": REL + "USA,COOPERATES_WITH,USA,,,,\n"},
    "level-out-of-range": {"relationships": REL + "GBR,HAS_CAPABILITY,cap:ir,,1.5,,\n"},
    "level-not-a-number": {"relationships": REL + "GBR,HAS_CAPABILITY,cap:ir,,high,,\n"},
    "float-overflow": {"relationships": REL + "GBR,COOPERATES_WITH,USA,,,1e999,\n"},
    "int-64-bit": {"actors": BASE["actors"].replace("1776", "9999999999999999999")},
    "int-20-digits": {"actors": BASE["actors"].replace("1776", "12345678901234567890")},
    "future-since": {"relationships": REL.replace("2001", "2999")},
    "ends-before-start": {
        "relationships": "source,type,target,since,until\nUSA,COOPERATES_WITH,GBR,2001,1999\n"
    },
    "not-a-date": {"relationships": "source,type,target,since:date\nUSA,COOPERATES_WITH,GBR,2001-02-30\n"},
    "bad-bool": {"actors": BASE["actors"].replace("region", "ok:bool").replace("Americas", "yes")},
    "basis": {
        "relationships": REL.replace(",source_ref", ",source_ref,basis")
        + "threat:x,ATTRIBUTED_TO,USA,,,,,friend\n"
    },
    "ragged": {"relationships": REL + "GBR,COOPERATES_WITH,USA,,,,,extra\n"},
    "value-unnamed": {"threats": "id,name,\nthreat:x,Threat X,oops\n"},
    "bad-header": {"threats": "id,name,bad name\nthreat:x,Threat X,1\n"},
    "missing-column": {"threats": "id\nthreat:x\n"},
    "text-property-typed": {"relationships": "source,type,target,kind\nUSA,COOPERATES_WITH,GBR,3\n"},
    "list-id": {"threats": "id:string[],name\nthreat:x,Threat X\n"},
    "list-source": {"relationships": "source:string[],type,target\nUSA;GBR,MEMBER_OF,NATO\n"},
    "list-type": {"relationships": "source,type:string[],target\nUSA,MEMBER_OF,NATO\n"},
    "utf16": {"threats": "id,name\nthreat:x,Threat X\n".encode("utf-16")},
    "latin1": {"threats": "id,name\nthreat:x,Menace é\n".encode("latin-1")},
    "nul": {"threats": b"id,name\nthreat:x,Threat\x00X\n"},
    "bad-quote": {"threats": 'id,name\nthreat:x,"Threat X\n'},
    "empty-file": {"threats": ""},
}


@pytest.mark.parametrize("case", sorted(CLEAN))
def test_clean_variations_are_loaded_column_by_column(tmp_path, case):
    assert_same(write(tmp_path / case, **CLEAN[case]), clean=True)


@pytest.mark.parametrize("case", sorted(DIRTY))
def test_anything_else_is_left_to_the_row_by_row_loader(tmp_path, case):
    want = assert_same(write(tmp_path / case, **DIRTY[case]), clean=False)
    assert want[0] == "error", want  # each of these is a problem the loader reports


def test_a_missing_or_odd_file_is_left_to_the_row_by_row_loader(tmp_path):
    d = write(tmp_path / "d")
    (d / "threats.csv").unlink()
    assert assert_same(d, clean=False)[0] == "error"
    (d / "threats.csv").mkdir()
    assert assert_same(d, clean=False)[0] == "error"


def _corpus_folders():
    return sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and any(p.glob("*.csv")))


@pytest.mark.parametrize("name", _corpus_folders())
def test_hostile_folders_give_the_row_by_row_outcome(tmp_path, name):
    folder = tmp_path / name
    shutil.copytree(CORPUS / name, folder, symlinks=True)
    assert_same(folder)


# Mostly good values (repeated to be drawn more often), with a few bad ones among them.
GOOD = [
    ("USA", "MEMBER_OF", "NATO"),
    ("GBR", "MEMBER_OF", "NATO"),
    ("USA", "COOPERATES_WITH", "GBR"),
    ("GBR", "COOPERATES_WITH", "USA"),
    ("USA", "HAS_CAPABILITY", "cap:ir"),
    ("threat:x", "TARGETS", "USA"),
    ("threat:x", "ATTRIBUTED_TO", "GBR"),
    ("threat:x", "REQUIRES", "cap:ir"),
]
BAD = [
    ("USA", "MEMBER_OF", "FRA"),
    ("cap:ir", "MEMBER_OF", "NATO"),
    ("USA", "X", "GBR"),
    ("", "MEMBER_OF", "NATO"),
    ("USA", "COOPERATES_WITH", "USA"),
    ("USA ", "MEMBER_OF", "NATO"),
]
COLUMNS = {  # (good values, bad values) per column
    "since": (["", "", "2001", "1999", "2020-05-01"], [" 2001", "2999", "x", "-0"]),
    "level": (["", "", "0.5", "1", "0.25 "], ["1.5", "high"]),
    "weight": (["", "0.5", "2", "-0", "3.0"], ["007", "1e999"]),
    "tags": (["", "a;b", ";", "a", " b ", "'=1"], []),
    "note": (["", "x", "y", "'=1", "é", "a\nb", " ", "'"], []),
}
NEW_ACTORS = ["FRA", "DEU", "Россия", "Türkiye"] * 3 + ["U\u0405A", "usa", " ITA", "ESP\u200b"]


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(GOOD * 6 + BAD),
            *(st.sampled_from(good * 8 + bad) for good, bad in COLUMNS.values()),
        ),
        max_size=8,
    ),
    actors=st.lists(st.sampled_from(NEW_ACTORS), max_size=3, unique=True),
)
def test_random_tables_give_the_row_by_row_outcome(tmp_path_factory, rows, actors):
    import csv
    import io

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["source", "type", "target", *COLUMNS])
    for (s, t, v), *cells in rows:
        w.writerow([s, t, v, *cells])
    more = "".join(f"{i},Actor {n},state,,,\n" for n, i in enumerate(actors))
    assert_same(
        write(tmp_path_factory.mktemp("r") / "d", actors=BASE["actors"] + more, relationships=out.getvalue())
    )


MUTATIONS = [
    ",",
    "\n",
    '"',
    "'",
    " ",
    ";",
    "\u0405",
    "\ufeff",
    "x",
    "\r",
    "1e999",
    "-",
    "0",
    "\t",
    ".",
    "2999",
    "é",
]


@pytest.mark.parametrize("seed", range(40))
def test_mutated_sample_gives_the_row_by_row_outcome(tmp_path, seed):
    """One to three random edits (a character in or out, a line repeated) of the sample dataset."""
    import random

    rnd = random.Random(seed)
    d = shutil.copytree(DATA / "sample", tmp_path / "d")
    for _ in range(rnd.randint(1, 3)):
        f = rnd.choice(sorted(d.glob("*.csv")))
        text = f.read_text(encoding="utf-8")
        i, op = rnd.randrange(len(text)), rnd.random()
        if op < 0.15:  # the line holding position i, twice
            start, end = text.rfind("\n", 0, i) + 1, text.find("\n", i) + 1 or len(text)
            text = text[:end] + text[start:end] + text[end:]
        elif op < 0.25:
            text = text[:i] + text[i + 1 :]
        else:
            text = text[:i] + rnd.choice(MUTATIONS) + text[i:]
        f.write_text(text, encoding="utf-8")
    assert_same(d)


def test_a_clean_load_keeps_one_object_per_id_type_and_value(tmp_path):
    """The graph keeps the nodes' own id objects as relationship ends and one object per
    distinct type and value (memory at scale); -0.0 stays apart from 0.0; the graph is the
    row-by-row loader's."""
    rows = "".join(
        f"A{i},COOPERATES_WITH,A{i + 1},,,{w},\n" for i, w in enumerate(["0.5", "0.5", "-0.0", "0.0", "0.25"])
    )
    actors = BASE["actors"] + "".join(f"A{i},Actor {i},state,Europe,,\n" for i in range(6))
    folder = write(tmp_path / "d", actors=actors, relationships=BASE["relationships"] + rows)
    assert_same(folder, clean=True)
    G = load_clean_folder(folder)
    own = {id(n) for n in G}
    for u in G:
        assert all(id(v) in own for v in G.succ[u]) and all(id(v) in own for v in G.pred[u])
    data = [d for _, _, d in G.edges(data=True)]
    coop = [d for d in data if d["type"] == "COOPERATES_WITH"]
    assert len({id(d["type"]) for d in coop}) == 1
    weights = [d["weight"] for d in coop]
    assert [repr(w) for w in weights] == ["0.5", "0.5", "0.5", "-0.0", "0.0", "0.25"]
    assert weights[1] is weights[2] and weights[0] is weights[1]
    regions = [d["region"] for _, d in G.nodes(data=True) if d.get("region")]
    assert len({id(r) for r in regions}) == 2  # Americas, Europe
