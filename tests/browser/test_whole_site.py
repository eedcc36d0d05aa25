"""The whole-site check in a browser: every page each demo role reaches by links, audited by axe-core.

Each role logs in through the real form; the walk (tandem.web.sitewalk, as in
tests/test_whole_site.py) then follows every link in that browser session, GET only, at most two
addresses of each URL pattern in full, and every page that answers with HTML is opened in
Chromium and audited with axe-core (WCAG 2.2 A and AA). All findings of a role are reported
together, page by page, rather than stopping at the first.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tandem import demo as demo_module
from tandem.web.sitewalk import Fetched, walk

from ..test_whole_site import QUEUED_TASKS, ROLES, write_times
from .helpers import (
    NHSUK_FILE_UPLOAD_LABEL_IN_NAME,
    AccessibilityError,
    check_accessible,
    log_in,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _fetcher(page: Page, origin: str):  # type: ignore[no-untyped-def]
    def fetch(path: str) -> Fetched:
        started = time.perf_counter()
        response = page.request.get(origin + path, max_redirects=0)
        ms = (time.perf_counter() - started) * 1000
        return Fetched(
            status=response.status,
            content_type=response.headers.get("content-type", ""),
            body=response.body(),
            ms=ms,
            location=response.headers.get("location", ""),
        )

    return fetch


@pytest.mark.parametrize(("role", "email"), ROLES, ids=[r for r, _ in ROLES])
def test_every_page_each_role_reaches_passes_axe(
    page: Page,
    live_server: LiveServer,
    demo: demo_module.DemoProgramme,
    role: str,
    email: str,
    settings: Any,
) -> None:
    settings.TASKS = QUEUED_TASKS
    if email:
        log_in(page, live_server, email)
    # Links beyond the pages visited are checked by the walk without a browser (test_whole_site.py).
    result = walk(role, _fetcher(page, live_server.url), check_per_pattern=0)
    write_times(result, suffix="-browser")
    problems = result.problems()
    for visit in result.pages:
        if visit.status not in (200, 202):  # 202: "Preparing the PDF"
            continue
        page.goto(live_server.url + visit.path)
        expect(page.locator("h1")).to_have_count(1)
        try:
            # The design system's file-upload button: a known axe false positive (helpers.py).
            check_accessible(page, false_positives=[NHSUK_FILE_UPLOAD_LABEL_IN_NAME], optional=True)
        except AccessibilityError as error:
            problems.append(f"{role}: {visit.pattern}\n{error}")
    assert len(result.pages) >= 2
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
