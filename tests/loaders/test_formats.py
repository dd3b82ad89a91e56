"""The format registry: every registered format round-trips the sample, paths pick the
right format, and the command line offers what the registry lists."""

from __future__ import annotations

import pytest

import graphkit as gk
from graphkit.cli import build_parser
from graphkit.errors import FormatError, OutputError
from graphkit.loaders.formats import FORMATS, describe, for_path, get_format, resolve

FILE_FORMATS = [f for f in FORMATS if not f.importer and f.readable and f.writable]
WRITE_ONLY = [f for f in FORMATS if not f.importer and not f.readable]


def _target(tmp_path, fmt):
    return tmp_path / f"out{fmt.suffixes[0]}"


@pytest.mark.parametrize("fmt", WRITE_ONLY, ids=[f.name for f in WRITE_ONLY])
def test_write_only_formats_are_named_by_their_suffix_and_written(tmp_path, fmt):
    target = _target(tmp_path, fmt)
    assert for_path(target, writing=True) == fmt
    assert gk.write(gk.load(gk.SAMPLE), target) == target and target.exists()
    with pytest.raises(gk.FormatError, match=f"writes {fmt.name} .* but does not read it"):
        gk.load(target)


@pytest.mark.parametrize("fmt", FILE_FORMATS, ids=[f.name for f in FILE_FORMATS])
def test_every_registered_format_round_trips_the_sample(tmp_path, fmt):
    G = gk.load(gk.SAMPLE)
    target = _target(tmp_path, fmt)
    assert for_path(target, writing=True) == fmt
    gk.write(G, target)
    assert for_path(target) == fmt
    H = gk.load(target)
    # the sample as read from its CSV files is the independent reference
    assert gk.graph_diff(G, H) == []
    assert (H.number_of_nodes(), H.number_of_edges()) == (G.number_of_nodes(), G.number_of_edges())
    # the registry's own reader and writer are the ones load and write used
    assert callable(resolve(fmt.reader)) and callable(resolve(fmt.writer))


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.importer], ids=lambda f: f.name)
def test_importer_formats_have_a_reader_and_an_import_command(fmt):
    assert callable(resolve(fmt.reader))
    parser = build_parser()
    args = parser.parse_args(["import", fmt.name, "x", "-o", "out"])
    assert args.format == fmt.name and callable(args.func)


def test_every_reader_and_writer_of_the_public_api_is_the_registry_s():
    for name, fmt in {
        "load_json": "json",
        "load_graphml": "graphml",
        "load_gexf": "gexf",
        "load_dataset": "dataset",
    }.items():
        assert getattr(gk, name) is resolve(get_format(fmt).reader)
    for name, fmt in {
        "write_json": "json",
        "write_graphml": "graphml",
        "write_gexf": "gexf",
        "write_dataset": "dataset",
    }.items():
        assert getattr(gk, name) is resolve(get_format(fmt).writer)


def test_unknown_suffixes_are_clear_errors(tmp_path):
    (tmp_path / "x.docx").write_text("not a graph")
    with pytest.raises(FormatError, match=r"unknown input format '\.docx'; give a dataset folder, \.xlsx"):
        gk.load(tmp_path / "x.docx")
    with pytest.raises(OutputError, match=r"unknown output format '\.docx'"):
        gk.write(gk.load(gk.SAMPLE), tmp_path / "y.docx")
    with pytest.raises(FormatError, match="unknown format 'nope'"):
        get_format("nope")


def test_help_strings_list_every_file_format():
    text = describe()
    for f in FILE_FORMATS:
        assert ("a dataset folder" if f.folder else f.suffixes[0]) in text
    convert = build_parser()._subparsers._group_actions[0].choices["convert"].format_help()
    assert describe(writing=True).split(", ")[-1].split(" or ")[-1] in convert
