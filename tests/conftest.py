"""Shared test fixtures: a real headless Chromium (Debian's) driven by Playwright.

``browser`` is one Chromium for the whole session. ``page_for(path)`` opens a file in a
fresh page and returns a :class:`LoadedPage` that recorded every request the page made
(requests to anything but ``file:``, ``data:``, ``blob:`` or ``about:`` are recorded
*and* aborted, so a test can assert there were none without the test ever touching a
network), every uncaught JavaScript error, every console error and every dialog
(``alert``/``confirm``/``prompt``: recorded and dismissed)::

    def test_page(page_for):
        loaded = page_for(tmp_path / "x.html")
        assert loaded.external_requests == []
        assert loaded.page_errors == []
        assert loaded.dialogs == []

Chromium comes from ``scripts/install-system-deps.sh`` (``make test`` runs it); set
``GRAPHKIT_CHROMIUM`` to use another binary.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
]

LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def chromium_path() -> str | None:
    """The Chromium binary to drive: ``$GRAPHKIT_CHROMIUM``, ``/usr/bin/chromium`` or on PATH."""
    for candidate in (os.environ.get("GRAPHKIT_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class LoadedPage:
    """A page opened by ``page_for`` and what it did."""

    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def external_requests(self) -> list[str]:
        """Requests to anything other than the local file (and data:/blob: URLs)."""
        return [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]

    def wait_for(self, expression: str, timeout_ms: int = 20_000) -> Any:
        """Wait until the JavaScript ``expression`` is truthy; return its value."""
        self.page.wait_for_function(expression, timeout=timeout_ms)
        return self.page.evaluate(expression)

    def screenshot(self, path: str | os.PathLike[str] | None = None, **kwargs: Any) -> bytes:
        return self.page.screenshot(path=str(path) if path else None, **kwargs)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole test session."""
    exe = chromium_path()
    if exe is None:
        pytest.fail(
            "Chromium not found: install it with `bash scripts/install-system-deps.sh` "
            "(Debian package chromium) or set GRAPHKIT_CHROMIUM",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page_for(browser):
    """``page_for(path, *, viewport=(1280, 800), wait_until="load") -> LoadedPage``.

    Each call opens a new browser context (no shared state between pages); all are
    closed when the test ends.
    """
    contexts = []

    def open_page(
        path: str | os.PathLike[str],
        *,
        viewport: tuple[int, int] = (1280, 800),
        wait_until: str = "load",
        timeout_ms: int = 30_000,
    ) -> LoadedPage:
        url = (
            Path(path).resolve().as_uri()
            if not str(path).startswith(("file:", "http:", "https:"))
            else str(path)
        )
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        contexts.append(context)
        page = context.new_page()
        loaded = LoadedPage(page=page, url=url)

        def route(r):
            if r.request.url.startswith(LOCAL_SCHEMES):
                r.continue_()
            else:
                r.abort()

        context.route("**/*", route)
        page.on("request", lambda req: loaded.requests.append(req.url))
        page.on("pageerror", lambda exc: loaded.page_errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: loaded.console_errors.append(msg.text) if msg.type == "error" else None,
        )

        def on_dialog(dialog):
            loaded.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(url, wait_until=wait_until, timeout=timeout_ms)
        return loaded

    yield open_page
    for context in contexts:
        context.close()
