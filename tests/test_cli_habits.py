"""A command line that behaves like one: -, unknown extensions, -o/--output, --json, completion, did you mean."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys

import networkx as nx
import pytest

import graphkit as gk
from graphkit.cli import build_parser, main
from graphkit.cli.habits import NO_JSON, subcommands

SAMPLE = str(gk.SAMPLE)


def _run(argv, capsys):
    rc = main(argv)
    out, err = capsys.readouterr()
    return rc, out, err


# ---- - is standard output and input ------------------------------------------------------------


def test_convert_dash_writes_node_link_json_to_stdout(capsysbinary, tmp_path):
    assert main(["convert", SAMPLE, "-"]) == 0
    out, err = capsysbinary.readouterr()
    H = nx.node_link_graph(json.loads(out))  # networkx's own reader, its default keys
    G = gk.load(gk.SAMPLE)
    assert sorted(H.nodes) == sorted(G.nodes) and H.number_of_edges() == G.number_of_edges()
    assert b"node-link to standard output" in err
    assert not (tmp_path / "-").exists()


def test_convert_dash_to_another_format(capsysbinary, tmp_path):
    assert main(["convert", SAMPLE, "-", "--to", "gexf", "-q"]) == 0
    out, _ = capsysbinary.readouterr()
    assert out.startswith(b'<?xml version="1.0"') and b"<viz:color" in out
    (tmp_path / "s.gexf").write_bytes(out)
    assert gk.graph_diff(gk.load(gk.SAMPLE), gk.load(tmp_path / "s.gexf")) == []


def test_dash_reads_standard_input(capsys, monkeypatch, tmp_path):
    path = gk.write(gk.load(gk.SAMPLE), tmp_path / "s.graphml")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(path.read_bytes())))
    rc, out, _ = _run(["info", "-", "--json"], capsys)
    assert rc == 0 and json.loads(out)["nodes"] == {"Actor": 14, "Capability": 5, "Threat": 3, "Norm": 0}


def test_dash_reads_standard_input_for_query_and_merge(capsys, monkeypatch, tmp_path):
    data = gk.write(gk.load(gk.SAMPLE), tmp_path / "s.gexf").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    rc, out, _ = _run(["query", "most_targeted_actors", "-", "--json"], capsys)
    assert rc == 0 and json.loads(out)[0]["id"]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    rc, out, _ = _run(["merge", "-", SAMPLE, "-o", str(tmp_path / "m.json"), "--json"], capsys)
    assert rc == 0 and json.loads(out)["written"]
    assert gk.graph_diff(gk.load(gk.SAMPLE), gk.load(tmp_path / "m.json")) == []


def test_folder_outputs_refuse_dash(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rc, _, err = _run(["analyze", SAMPLE, "-o", "-", "-q"], capsys)
    assert rc == 2 and "writes a folder" in err and not (tmp_path / "-").exists()
    rc, _, err = _run(["convert", SAMPLE, "-", "--to", "neo4j-admin"], capsys)
    assert rc == 2 and "folder of files" in err


def test_viz_dash_writes_the_page_to_stdout(capsysbinary):
    assert main(["viz", SAMPLE, "-o", "-", "-q"]) == 0
    out, _ = capsysbinary.readouterr()
    assert out.startswith(b"<!DOCTYPE html>") and out.rstrip().endswith(b"</html>")


# ---- unknown extensions ---------------------------------------------------------------------------


def test_unknown_extension_exits_2_naming_the_formats(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rc, _, err = _run(["convert", SAMPLE, "x.csv"], capsys)
    assert rc == 2 and not (tmp_path / "x.csv").exists()
    assert "unknown output format '.csv'" in err
    for suffix in (".xlsx", ".graphml", ".gexf", ".cyjs", ".kumu.xlsx", ".nodelink.json", "--to"):
        assert suffix in err
    assert "Traceback" not in err


def test_to_names_the_format_whatever_the_extension(capsys, tmp_path):
    rc, out, _ = _run(["convert", SAMPLE, str(tmp_path / "g.txt"), "--to", "cyjs", "--json"], capsys)
    assert rc == 0 and json.loads(out)["format"] == "cyjs"
    assert nx.cytoscape_graph(json.loads((tmp_path / "g.txt").read_text())).number_of_nodes() == 22


# ---- -o/--output everywhere ---------------------------------------------------------------------


def test_every_output_option_is_dash_o_and_dash_dash_output():
    parser = build_parser()
    found = 0
    for name, sub in subcommands(parser).items():
        for action in sub._actions:
            if action.dest in ("out", "output") and action.option_strings:
                found += 1
                assert "--output" in action.option_strings, name
                assert "-o" in action.option_strings, name
                assert "--out" not in action.option_strings, name  # hidden alias, still parsed
    assert found >= 7
    args = parser.parse_args(["analyze", SAMPLE, "--out", "x"])
    assert args.out == "x"


# ---- --json on every command that prints a result -----------------------------------------------


def test_every_command_has_json():
    for name, sub in subcommands(build_parser()).items():
        if name not in NO_JSON:
            assert "--json" in sub._option_string_actions, name


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", SAMPLE],
        ["info", SAMPLE],
        ["convert", SAMPLE, "{tmp}/g.cyjs"],
        ["analyze", SAMPLE, "-o", "{tmp}/a", "-q"],
        ["recommend", SAMPLE, "EST"],
        ["viz", SAMPLE, "-o", "{tmp}/v.html", "-q"],
        ["merge", SAMPLE, SAMPLE, "-o", "{tmp}/m"],
        ["query", "most_targeted_actors", SAMPLE],
    ],
    ids=lambda a: a[0],
)
def test_json_parses_on_result_printing_commands(argv, capsys, tmp_path):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    rc = main([*argv, "--json"])
    out, _ = capsys.readouterr()
    assert rc == 0
    json.loads(out)


def test_json_names_what_was_written(capsys, tmp_path):
    rc, out, _ = _run(["viz", SAMPLE, "-o", str(tmp_path / "v.html"), "-q", "--json"], capsys)
    doc = json.loads(out)
    assert rc == 0 and doc["ok"] and doc["written"] == [str(tmp_path / "v.html")]


def test_validate_json_lists_problems(capsys, tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "actors.csv").write_text("id,name,kind\nBEL,Belgium,state\nACME,Acme,Company\n")
    (folder / "relationships.csv").write_text("source,type,target\nACME,COOPERATES_WITH,Belgium\n")
    rc, out, _ = _run(["validate", str(folder), "--json"], capsys)
    doc = json.loads(out)
    assert rc == 1 and doc["valid"] is False
    by_column = {p["column"]: p for p in doc["problems"]}
    # did you mean, by case (kind) and by name (target)
    assert by_column["kind"]["line"] == 3 and "did you mean 'company'" in by_column["kind"]["fix"]
    assert by_column["target"]["line"] == 2 and "did you mean 'BEL' (Belgium)" in by_column["target"]["fix"]


# ---- did you mean ------------------------------------------------------------------------------


def test_sheet_name_in_another_case(tmp_path):
    import openpyxl

    path = gk.write(gk.load(gk.SAMPLE), tmp_path / "s.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["actors"].title = "renamed"  # openpyxl compares titles ignoring case
    wb["renamed"].title = "Actors"
    wb.save(path)
    with pytest.raises(gk.DatasetError) as info:
        gk.load(path)
    sheet = [p for p in info.value.problems if "[actors]" in p.file]
    assert sheet and "rename sheet 'Actors' to actors" in sheet[0].fix


def test_focus_and_actor_by_name(capsys, tmp_path):
    rc, _, err = _run(["viz", SAMPLE, "--focus", "estonia", "-o", str(tmp_path / "v.html"), "-q"], capsys)
    assert rc == 2 and "did you mean 'EST' (Estonia)" in err
    rc, _, err = _run(["recommend", SAMPLE, "Estonia"], capsys)
    assert rc == 2 and "did you mean 'EST' (Estonia)" in err


def test_unknown_format_name_suggests():
    from graphkit.loaders.formats import get_format

    with pytest.raises(gk.FormatError, match="did you mean 'kumu-json'"):
        get_format("kumu-jsn")


# ---- shell completion ----------------------------------------------------------------------------


def test_bash_completion_completes(capsys, tmp_path):
    rc, script, _ = _run(["completion", "bash"], capsys)
    assert rc == 0
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    (tmp_path / "c.bash").write_text(script)
    probe = f"""
source {tmp_path / "c.bash"}
COMP_WORDS=(graphkit con); COMP_CWORD=1; _graphkit; echo "A:${{COMPREPLY[*]}}"
COMP_WORDS=(graphkit convert data/sample out --to kumu); COMP_CWORD=5; _graphkit; echo "B:${{COMPREPLY[*]}}"
COMP_WORDS=(graphkit analyze data/sample --outp); COMP_CWORD=3; _graphkit; echo "C:${{COMPREPLY[*]}}"
COMP_WORDS=(graphkit import s); COMP_CWORD=2; _graphkit; echo "D:${{COMPREPLY[*]}}"
"""
    out = subprocess.run([bash, "-c", probe], capture_output=True, text=True, check=True).stdout
    lines = dict(line.split(":", 1) for line in out.splitlines())
    assert lines["A"] == "convert"
    assert set(lines["B"].split()) == {"kumu", "kumu-xlsx", "kumu-json"}
    assert lines["C"] == "--output"
    assert "stix" in lines["D"].split() and "misp-galaxy" not in lines["D"]


def test_zsh_and_fish_scripts(capsys):
    rc, zsh, _ = _run(["completion", "zsh"], capsys)
    assert rc == 0 and zsh.startswith("#compdef graphkit") and "complete -o filenames" in zsh
    rc, fish, _ = _run(["completion", "fish"], capsys)
    assert rc == 0 and "complete -c graphkit -n '__fish_use_subcommand' -a convert" in fish
    assert "-l to -x -a '" in fish
    if shutil.which("fish"):
        subprocess.run(["fish", "--no-execute", "-c", fish], check=True)


def test_convert_no_viz_leaves_the_drawing_out(capsysbinary):
    assert main(["convert", SAMPLE, "-", "--to", "gexf", "--no-viz", "-q"]) == 0
    out, _ = capsysbinary.readouterr()
    assert b"<gexf" in out and b"viz:color" not in out and b"viz:position" not in out
