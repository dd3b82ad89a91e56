"""Hostile inputs too big to commit, built in a temporary folder at test time.

Each builder takes an empty folder and returns the input path. ``manifest.toml`` names
them with ``generated = "NAME"``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from make_corpus import BASE, GRAPHML_HEAD, LAUGHS, SECRET

MILLION = 1_000_000


def _folder(root: Path, **files: str) -> Path:
    d = root / "dataset"
    d.mkdir()
    for name, text in BASE.items():
        (d / name).write_text(text, encoding="utf-8")
    for stem, text in files.items():
        (d / f"{stem}.csv").write_text(text, encoding="utf-8")
    return d


def csv_50mb_field(root: Path) -> Path:
    """One quoted name of 50 MB in actors.csv (line 5)."""
    d = _folder(root)
    with open(d / "actors.csv", "a", encoding="utf-8") as f:
        f.write('BIG,"' + "A" * 50_000_000 + '",state,Europe\n')
    return d


def csv_million_columns(root: Path) -> Path:
    """A header of 1,000,004 columns in actors.csv."""
    header = "id,name,kind,region," + ",".join(f"c{i}" for i in range(MILLION))
    rows = BASE["actors.csv"].split("\n", 1)[1]
    return _folder(root, actors=header + "\n" + rows)


def csv_million_cells_row(root: Path) -> Path:
    """A data row of 1,000,004 cells under a header of 4 (actors.csv line 5)."""
    d = _folder(root)
    with open(d / "actors.csv", "a", encoding="utf-8") as f:
        f.write("DEU,Germany,state,Europe" + ",x" * MILLION + "\n")
    return d


def csv_million_bad_rows(root: Path) -> Path:
    """1,000,000 rows naming an unknown actor: reported, capped at 100 problems."""
    d = _folder(root)
    with open(d / "relationships.csv", "a", encoding="utf-8") as f:
        f.writelines(f"X{i},COOPERATES_WITH,GBR,,,\n" for i in range(MILLION))
    return d


def json_50mb_string(root: Path) -> Path:
    """A node-link JSON whose one name is 50 MB long."""
    p = root / "big-name.json"
    p.write_text(
        '{"nodes": [{"id": "USA", "label": "Actor", "kind": "state", "name": "'
        + "A" * 50_000_000
        + '"}], "links": []}',
        encoding="utf-8",
    )
    return p


def graphml_xxe_after_comment(root: Path) -> Path:
    """An external entity declared after 2 MiB of comment (past any head-only DTD check)."""
    p = root / "padded-xxe.graphml"
    p.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!--'
        + "x" * (2 << 20)
        + "-->\n"
        + f'<!DOCTYPE g [<!ENTITY xxe SYSTEM "file://{SECRET}">]>\n'
        + GRAPHML_HEAD
        + '<node id="USA"><data key="label">Actor</data><data key="name">&xxe;</data>'
        '<data key="kind">state</data></node>\n</graph>\n</graphml>\n',
        encoding="utf-8",
    )
    return p


def graphml_laughs_after_comment(root: Path) -> Path:
    """Billion laughs after 2 MiB of comment."""
    p = root / "padded-laughs.graphml"
    p.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!--'
        + "x" * (2 << 20)
        + "-->\n"
        + LAUGHS
        + GRAPHML_HEAD
        + '<node id="USA"><data key="label">Actor</data><data key="name">&lol9;</data>'
        '<data key="kind">state</data></node>\n</graph>\n</graphml>\n',
        encoding="utf-8",
    )
    return p


def xlsx_50mb_cell(root: Path) -> Path:
    """A workbook whose first actor's name cell holds 50 MB (spreadsheet programs stop at
    32,767 characters, so the sheet XML is written directly; it compresses to ~50 KB)."""
    from make_corpus import xlsx_with_sheet_xml

    p = root / "big-cell.xlsx"
    p.write_bytes(xlsx_with_sheet_xml("actors", ("<sheetData>", "<sheetData>"), cell="A" * 50_000_000))
    return p


# ---- issue 16, input side: files that are not files, and five million duplicate rows ----------


def _fifo(root: Path, name: str) -> Path:
    p = root / name
    os.mkfifo(p)
    return p


def in_fifo_json(root: Path) -> Path:
    """A named pipe called graph.json: open() on it blocks until a writer comes."""
    return _fifo(root, "graph.json")


def in_fifo_graphml(root: Path) -> Path:
    return _fifo(root, "graph.graphml")


def in_fifo_gexf(root: Path) -> Path:
    return _fifo(root, "graph.gexf")


def in_fifo_xlsx(root: Path) -> Path:
    return _fifo(root, "dataset.xlsx")


def in_fifo_misp(root: Path) -> Path:
    return _fifo(root, "galaxy.json")


def in_fifo_stix(root: Path) -> Path:
    return _fifo(root, "bundle.json")


def in_fifo_query(root: Path) -> Path:
    return _fifo(root, "query.cypher")


def in_csv_fifo_table(root: Path) -> Path:
    """A dataset folder whose actors.csv is a named pipe."""
    d = _folder(root)
    (d / "actors.csv").unlink()
    os.mkfifo(d / "actors.csv")
    return d


def in_csv_folder_table(root: Path) -> Path:
    """A dataset folder whose actors.csv is a folder (holding a CSV file)."""
    d = _folder(root)
    (d / "actors.csv").unlink()
    (d / "actors.csv").mkdir()
    (d / "actors.csv" / "actors.csv").write_text(BASE["actors.csv"], encoding="utf-8")
    return d


def in_symlink_dev_zero(root: Path) -> Path:
    """graph.json is a symbolic link to /dev/zero (an endless character device)."""
    p = root / "graph.json"
    p.symlink_to("/dev/zero")
    return p


FIVE_MILLION = 5_000_000


def _duplicates(root: Path) -> Path:
    d = _folder(root)
    row = b"USA,COOPERATES_WITH,GBR,,0.9,\n"
    with open(d / "relationships.csv", "ab") as f:
        for _ in range(FIVE_MILLION // 100_000):
            f.write(row * 100_000)
    return d


def in_csv_5m_duplicates(root: Path) -> Path:
    """Five million copies of relationships.csv line 4 (lines 8 to 5,000,007)."""
    return _duplicates(root)


def in_csv_5m_duplicates_merge(root: Path) -> Path:
    """The same, loaded with --merge-duplicates."""
    return _duplicates(root)


# ---- issue 31: the third round's classes, built from graphkit's own sample ------------------


def _sample(root: Path, name: str) -> Path:
    import graphkit as gk

    return gk.write(gk.load(gk.SAMPLE), root / name)


def xlsx_shared_strings_bomb(root: Path) -> Path:
    """Under 1 MB whose shared-strings part unpacks to 340 MB (0.34 GB: under the 1 GiB cap)."""
    import zipfile

    good = _sample(root, "good.xlsx")
    rel = (
        b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/>'
    )
    bomb = root / "strings-bomb.xlsx"
    with zipfile.ZipFile(good) as z, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as w:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", rel + b"</Relationships>")
            w.writestr(info.filename, data)
        with w.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for _ in range(2_000):
                f.write(b"<si><t>C</t></si>" * 10_000)
            f.write(b"</sst>")
    good.unlink()
    return bomb


def _graphml_types(root: Path, text: str) -> Path:
    import html
    import re

    src = _sample(root, "sample.graphml")
    doc = src.read_text(encoding="utf-8")
    m = re.search(r'<data key="(\w+)">(\{[^<]*\})</data>', doc)
    out = root / "types.graphml"
    out.write_text(
        doc.replace(m.group(0), f'<data key="{m.group(1)}">{html.escape(text)}</data>'), encoding="utf-8"
    )
    src.unlink()
    return out


def graphml_types_nested(root: Path) -> Path:
    """graphkit_types holding 50,000 nested arrays."""
    return _graphml_types(root, "[" * 50_000 + "]" * 50_000)


def graphml_types_not_a_type(root: Path) -> Path:
    """graphkit_types naming a list as the type of a property."""
    return _graphml_types(root, '{"node:name": ["string"], "edge:weight": "float"}')


def gexf_nested_nodes(root: Path) -> Path:
    """A GEXF node holding a <nodes> of its own (a hierarchy)."""
    src = _sample(root, "sample.gexf")
    doc = src.read_text(encoding="utf-8")
    doc = doc.replace('<node id="NATO"', '<node id="NATO"', 1)
    start = doc.index('<node id="NATO"')
    end = doc.index("</node>", start)
    doc = doc[:end] + '<nodes><node id="NATO-CCDCOE" label="Centre of Excellence" /></nodes>' + doc[end:]
    out = root / "hierarchy.gexf"
    out.write_text(doc, encoding="utf-8")
    src.unlink()
    return out


def json_escaped_quotes_unterminated(root: Path) -> Path:
    """1 MB of escaped quotes in a string that never ends."""
    p = root / "quotes.json"
    p.write_text('{"nodes": [{"id": "' + '\\"' * 500_000, encoding="utf-8")
    return p


def json_wide_node(root: Path) -> Path:
    """One actor with 50,000 properties."""
    import json

    p = root / "wide.json"
    doc = {
        "nodes": [
            {
                "id": "USA",
                "label": "Actor",
                "name": "United States",
                "kind": "state",
                **{f"p{i}": i for i in range(50_000)},
            }
        ],
        "links": [],
    }
    p.write_text(json.dumps(doc), encoding="utf-8")
    return p


def stix_same_object_twice(root: Path) -> Path:
    """One bundle holding each of its objects twice (two overlapping feeds concatenated)."""
    import json

    iset = {
        "type": "intrusion-set",
        "spec_version": "2.1",
        "id": "intrusion-set--aaaaaaaa-0000-4000-8000-000000000001",
        "created": "2024-03-01T00:00:00Z",
        "modified": "2024-03-01T00:00:00Z",
        "name": "Twice Seen",
    }
    loc = {
        "type": "location",
        "spec_version": "2.1",
        "id": "location--aaaaaaaa-0000-4000-8000-000000000002",
        "created": "2024-03-01T00:00:00Z",
        "modified": "2024-03-01T00:00:00Z",
        "country": "FI",
    }
    rel = {
        "type": "relationship",
        "spec_version": "2.1",
        "id": "relationship--aaaaaaaa-0000-4000-8000-000000000003",
        "created": "2024-03-01T00:00:00Z",
        "modified": "2024-03-01T00:00:00Z",
        "relationship_type": "targets",
        "source_ref": iset["id"],
        "target_ref": loc["id"],
    }
    p = root / "twice.json"
    p.write_text(
        json.dumps(
            {
                "type": "bundle",
                "id": "bundle--aaaaaaaa-0000-4000-8000-000000000004",
                "objects": [iset, loc, rel, iset, loc, rel],
            }
        ),
        encoding="utf-8",
    )
    return p


BUILDERS: dict[str, Callable[[Path], Path]] = {
    f.__name__.replace("_", "-"): f
    for f in (
        csv_50mb_field,
        csv_million_columns,
        csv_million_cells_row,
        csv_million_bad_rows,
        json_50mb_string,
        graphml_xxe_after_comment,
        graphml_laughs_after_comment,
        xlsx_50mb_cell,
        in_fifo_json,
        in_fifo_graphml,
        in_fifo_gexf,
        in_fifo_xlsx,
        in_fifo_misp,
        in_fifo_stix,
        in_fifo_query,
        in_csv_fifo_table,
        in_csv_folder_table,
        in_symlink_dev_zero,
        in_csv_5m_duplicates,
        in_csv_5m_duplicates_merge,
        xlsx_shared_strings_bomb,
        graphml_types_nested,
        graphml_types_not_a_type,
        gexf_nested_nodes,
        json_escaped_quotes_unterminated,
        json_wide_node,
        stix_same_object_twice,
    )
}
