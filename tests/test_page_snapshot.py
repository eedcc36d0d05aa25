"""Every demo page, as each role reaches it by links, says what it said before (issue 15).

A refactor of the page layer must change no page's content: the main text of one page per route,
per role, is compared with `snapshots/pages.json` (hashes of the text, with calendar dates and
"N days" normalised because the demo is built relative to today). Navigation and the header are
outside <main> and free to change. After a deliberate change of content, rewrite the snapshot
with `TANDEM_UPDATE_SNAPSHOT=1 make test PYTEST_ARGS="tests/test_page_snapshot.py -p no:xdist"`
and say why in the commit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tandem.demo import email_for
from tandem.reports import charts

from .crawl import crawl, digest
from .disclosure.harness import stubbed_drawn

SNAPSHOT = Path(__file__).parent / "snapshots" / "pages.json"
# The audit log lists the reads the crawl itself makes, with their times: it moves by design.
VOLATILE_ROUTES = frozenset({"audit:programme", "audit:all"})
PEOPLE = {
    "lead": "Priya Sandhu",
    "sponsor": "Dr Miriam Achebe",
    "coach": "Nadia Foster",
    "participant": "Dr Amara Okafor",
}


def _chart(chart: Any) -> str:
    # Drawing every chart of every report for four readers takes minutes; the spec carries the
    # figures, so its hash stands in for the picture.
    import hashlib

    spec = json.dumps(chart.to_dict() if hasattr(chart, "to_dict") else chart, sort_keys=True)
    return f"<svg><desc>chart {hashlib.sha256(spec.encode()).hexdigest()[:12]}</desc></svg>"


def pages_by_role(demo: Any) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for role, name in PEOPLE.items():
        client = Client()
        client.force_login(get_user_model().objects.get(email=email_for(name)))
        found[role] = {
            visit.route: f"{visit.status} {visit.content_type} {digest(visit.main_text)}"
            for visit in crawl(client, (f"/programmes/{demo.programme.slug}/", "/"))
            if visit.route not in VOLATILE_ROUTES
        }
    return found


def test_every_demo_page_says_what_it_said(demo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "drawn", stubbed_drawn(_chart))
    now = pages_by_role(demo)
    if os.environ.get("TANDEM_UPDATE_SNAPSHOT"):
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    before = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    changed = {
        f"{role} {route}": (before.get(role, {}).get(route), now[role].get(route))
        for role in sorted(set(before) | set(now))
        for route in sorted(set(before.get(role, {})) | set(now.get(role, {})))
        if before.get(role, {}).get(route) != now.get(role, {}).get(route)
    }
    assert changed == {}
