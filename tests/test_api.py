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
