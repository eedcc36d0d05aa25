"""The whole-site check without a browser: every page each demo role reaches by links.

For each role (and for someone not logged in) it follows every link from the start page, GET
only, visiting at most two addresses of each URL pattern in full and requesting every other link
it finds (up to 25 of a pattern) for its status. It fails on a server error, on a link its reader
cannot follow (403 or 404), and on a page without exactly one h1 or without a title. The browser
twin (tests/browser/test_whole_site.py) runs axe-core on the same pages.

Each page's time is written to `var/site-check/<role>.json` (or `$TANDEM_SITE_CHECK_DIR`), for a
look at what is slow; the times are not asserted here (see bench/pages.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tandem import demo as demo_module
from tandem.web.sitewalk import Walk, client_fetcher, walk

from .factories import PASSWORD

ROLES = [*demo_module.demo_logins(), ("Not logged in", "")]
# The pages as a reader finds them before the worker has run: PDFs queued, not yet made, so the
# walk meets the "Preparing the PDF" pages too (tasks otherwise run at once in the tests).
QUEUED_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def report_dir() -> Path:
    return Path(
        os.environ.get("TANDEM_SITE_CHECK_DIR") or Path(settings.HOME_DIR) / "var" / "site-check"
    )


def write_times(result: Walk, suffix: str = "") -> None:
    directory = report_dir()
    directory.mkdir(parents=True, exist_ok=True)
    slug = "".join(c if c.isalnum() else "-" for c in result.role.lower()).strip("-")
    rows = [
        {
            "path": v.path,
            "pattern": v.pattern,
            "status": v.status,
            "ms": round(v.ms, 1),
            "full": v.full,
        }
        for v in result.visits
    ]
    (directory / f"{slug}{suffix}.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")


@pytest.mark.parametrize(("role", "email"), ROLES, ids=[r for r, _ in ROLES])
def test_every_link_each_role_sees_leads_to_a_page_it_may_read(
    demo: demo_module.DemoProgramme, role: str, email: str, settings: Any
) -> None:
    settings.TASKS = QUEUED_TASKS
    client = Client()
    if email:
        assert client.login(username=email, password=PASSWORD)
    result = walk(role, client_fetcher(client))
    write_times(result)
    # Someone not logged in reaches the log-in page and "Set or reset your password".
    assert len(result.pages) >= (2 if not email else 20), [v.path for v in result.visits]
    problems = result.problems()
    assert not problems, "\n".join(problems)
