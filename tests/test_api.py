"""The public surface: graphkit's curated __all__ and the command line's entry points."""

import subprocess
import sys

import graphkit as gk


def test_all_names_exist_and_are_curated():
    missing = [name for name in gk.__all__ if not hasattr(gk, name)]
    assert missing == []
    assert len(gk.__all__) == len(set(gk.__all__))
    # Modules are not part of the API; only functions, classes and constants are.
    assert not any(type(getattr(gk, n)).__name__ == "module" for n in gk.__all__)


def test_python_dash_m_runs_the_cli():
    out = subprocess.run([sys.executable, "-m", "graphkit", "--version"], capture_output=True, text=True)
    assert out.returncode == 0
    assert out.stdout.strip() == f"graphkit {gk.__version__}"


def test_sample_is_found():
    assert (gk.SAMPLE / "actors.csv").is_file()


def test_analysis_error_lives_in_the_error_tree():
    from graphkit.analysis import AnalysisError
    from graphkit.errors import AnalysisError as TreeError

    assert AnalysisError is TreeError is gk.AnalysisError
    assert issubclass(AnalysisError, gk.GraphkitError) and issubclass(AnalysisError, ValueError)
    import graphkit.errors

    assert "AnalysisError" in graphkit.errors.__doc__  # drawn in the tree


def test_one_default_seed_for_every_command():
    from graphkit.cli import build_parser
    from graphkit.defaults import DEFAULT_SEED

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for command in ("analyze", "report", "viz"):
        seed = next(a for a in sub.choices[command]._actions if "--seed" in a.option_strings)
        assert seed.default == DEFAULT_SEED, command


def test_write_analysis_is_exported_from_export():
    from graphkit.export.analysis_tables import write_analysis

    assert gk.write_analysis is write_analysis
