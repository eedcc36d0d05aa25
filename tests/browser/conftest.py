"""Real-browser journeys: Debian's chromium, driven by Playwright, against pytest-django's live server.

Without chromium or the npm-installed assets (a laptop that skipped `apt-get install chromium` or
`npm install`) the journeys are skipped; CI sets TANDEM_REQUIRE_BROWSER=1 so that a broken image
fails loudly instead of passing by skipping them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Playwright,
    Request,
    Route,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from .helpers import PageFactory, axe_path

CHROMIUM = Path("/usr/bin/chromium")
# Quiet, offline, container-friendly chromium: no sandbox (containers lack the namespaces), no GPU,
# and none of the background calls home that would wait on a network the tests do not have.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser, so `-m "not browser"` leaves them all out."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


def _missing_requirements() -> list[str]:
    problems = []
    if not CHROMIUM.exists():
        problems.append(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    if not axe_path().exists():
        problems.append(f"{axe_path()} is missing (npm install)")
    if not Path(settings.NHSUK_FRONTEND_DIR).is_dir():
        # Unstyled pages would make the colour-contrast checks meaningless.
        problems.append(f"{settings.NHSUK_FRONTEND_DIR} is missing (npm install)")
    return problems


def _skip_or_fail(reason: str) -> NoReturn:
    if os.environ.get("TANDEM_REQUIRE_BROWSER") == "1":
        pytest.fail(
            f"{reason}; TANDEM_REQUIRE_BROWSER=1 requires the browser tests to run", pytrace=False
        )
    pytest.skip(reason)


# Package scope rather than session scope: one chromium for all the journeys, but gone before
# any other package's tests run in the same process (see the async note below).
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    problems = _missing_requirements()
    if problems:
        _skip_or_fail("Browser tests cannot run: " + "; ".join(problems))
    # Playwright's sync API leaves its asyncio loop registered as running in this thread between
    # calls, so Django's async-safety guard would refuse every ORM call the tests make here
    # (seeding the demo, checking the database, flushing it) with SynchronousOnlyOperation,
    # though nothing is async. The guard is lifted for exactly as long as that loop exists.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as driver:
            yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@dataclass
class BrowserProblems:
    """Console errors and uncaught script errors: signs of a broken page a user would also hit."""

    origin: str
    documents: set[str] = field(default_factory=set)
    messages: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("request", self._on_request)
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    def _on_request(self, request: Request) -> None:
        if request.is_navigation_request():
            self.documents.add(request.url)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        source = message.location.get("url", "")
        if source and urlsplit(source).netloc != self.origin:
            # Other hosts (the NHS.UK webfont) are cut off on purpose: the tests run offline,
            # and the design system falls back to Arial.
            return
        if source in self.documents and message.text.startswith("Failed to load resource"):
            # A page's own 400 or 403 status is deliberate (a form with errors, a refusal);
            # the journeys assert it themselves.
            return
        self.messages.append(f"console error: {message.text} ({source or 'no source'})")

    def _on_page_error(self, error: Error) -> None:
        self.messages.append(f"uncaught error: {error.message}")


@pytest.fixture
def new_page(browser: Browser, live_server: LiveServer) -> Iterator[PageFactory]:
    """Make a fresh browser session (own cookies) on the live server; fail on any page error."""
    origin = urlsplit(live_server.url).netloc
    problems = BrowserProblems(origin=origin)
    contexts: list[BrowserContext] = []

    def cut_off(route: Route) -> None:
        route.abort()

    def make(*, java_script_enabled: bool = True) -> Page:
        context = browser.new_context(
            base_url=live_server.url, java_script_enabled=java_script_enabled
        )
        contexts.append(context)
        context.route(lambda url: urlsplit(url).netloc != origin, cut_off)
        page = context.new_page()
        problems.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()
    if problems.messages:
        pytest.fail(
            "The browser reported problems:\n" + "\n".join(problems.messages), pytrace=False
        )


@pytest.fixture
def page(new_page: PageFactory) -> Page:
    return new_page()
