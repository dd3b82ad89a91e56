"""``report.pdf``: the report page printed by a headless Chromium found on the machine.

The page's print stylesheet does the layout (no blank first page, the network as its
static image, tables that wrap, no interactive-only captions); this module only finds a
browser and asks it to print. Nothing is downloaded: without Chromium the error names
the Debian package to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import partial
from pathlib import Path

from graphkit.errors import OutputError
from graphkit.lifetime import die_with_parent

__all__ = ["find_chromium", "require_chromium", "write_pdf", "CHROMIUM_PACKAGE"]

CHROMIUM_PACKAGE = "chromium"
"""The Debian package that provides the browser (``apt-get install chromium``)."""

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_chromium() -> str | None:
    """The browser to print with: ``$GRAPHKIT_CHROMIUM``, ``/usr/bin/chromium``, or one on PATH."""
    given = os.environ.get("GRAPHKIT_CHROMIUM")
    if given:
        return given if Path(given).is_file() else None
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    """:func:`find_chromium`, or an :class:`OutputError` naming the package to install."""
    exe = find_chromium()
    if exe is None:
        where = os.environ.get("GRAPHKIT_CHROMIUM")
        hint = f"GRAPHKIT_CHROMIUM={where} is not a file; " if where else ""
        raise OutputError(
            f"--pdf needs a headless Chromium and none was found: {hint}install the Debian package "
            f"{CHROMIUM_PACKAGE!r} (apt-get install {CHROMIUM_PACKAGE}, or bash scripts/install-system-deps.sh), "
            "or set GRAPHKIT_CHROMIUM to a Chromium or Chrome binary"
        )
    return exe


def write_pdf(
    page: str | os.PathLike[str],
    pdf: str | os.PathLike[str] | None = None,
    *,
    timeout: float = 180,
    shown: str | os.PathLike[str] | None = None,
) -> Path:
    """Print the HTML file ``page`` to ``pdf`` (default: ``report.pdf`` beside it); return its path.

    The PDF is printed to a temporary file in the same folder and moved into place only
    when the browser succeeded, so an earlier ``report.pdf`` is never left half written.
    The browser dies with graphkit (:func:`graphkit.lifetime.die_with_parent`). ``shown``:
    the path named in messages (the final one, when ``pdf`` is inside a temporary folder).

    Raises
    ------
    OutputError
        No Chromium (the message names the package and ``GRAPHKIT_CHROMIUM``), the page
        is missing, or the browser failed or timed out.
    """
    page = Path(page)
    if not page.is_file():
        raise OutputError(f"{page}: no such page to print; write the report first")
    out = Path(pdf) if pdf is not None else page.with_name("report.pdf")
    named = Path(shown) if shown is not None else out
    exe = require_chromium()
    fd, tmp_name = tempfile.mkstemp(prefix=".report-", suffix=".pdf", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    profile = tempfile.mkdtemp(prefix="graphkit-chromium-")
    args = [
        exe,
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        "--run-all-compositor-stages-before-draw",
        "--virtual-time-budget=10000",
        f"--print-to-pdf={tmp}",
        page.resolve().as_uri(),
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    try:
        done = subprocess.run(
            args,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
            preexec_fn=partial(die_with_parent, os.getpid()),
        )
        if done.returncode != 0 or tmp.stat().st_size == 0 or not _looks_like_pdf(tmp):
            tail = (done.stderr or "").strip().splitlines()[-3:]
            raise OutputError(
                f"{named}: Chromium ({exe}) could not print {page.name} (exit code {done.returncode})"
                + (": " + " | ".join(tail) if tail else "")
            )
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as any file the user writes, not mkstemp's 0600
        os.replace(tmp, out)
    except subprocess.TimeoutExpired:
        raise OutputError(
            f"{named}: Chromium ({exe}) did not finish printing within {timeout:.0f} s"
        ) from None
    except OSError as exc:
        raise OutputError(f"{named}: cannot print with {exe} ({exc.strerror or exc})") from None
    finally:
        tmp.unlink(missing_ok=True)
        shutil.rmtree(profile, ignore_errors=True)
    return out


def _looks_like_pdf(path: Path) -> bool:
    """True when ``path`` starts like a PDF file (``%PDF-``): a browser that printed an
    error page or garbage is a failure, not a report."""
    with open(path, "rb") as f:
        return f.read(5) == b"%PDF-"
