"""Walk the site as one person would: every page reachable by links from the programme list.

Used by the page snapshot (tests/test_page_snapshot.py) and meant for whole-site checks. One page
per route is enough to see a route's layout (`per_route`); following every one of 25 actions or
12 plans would only repeat it.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

SKIP_PREFIXES = ("/static/", "/assets/", "/admin/", "/api/", "/accounts/logout")


class _Page(HTMLParser):
    """The links of a page, and the words inside its <main> element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.main_depth = 0
        self.skip_depth = 0
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if tag == "main" or self.main_depth:
            self.main_depth += 1
        if tag in {"script", "style"} and self.main_depth:
            self.skip_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self.skip_depth:
            self.skip_depth -= 1
        if self.main_depth:
            self.main_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.main_depth and not self.skip_depth:
            self.words += data.split()


@dataclass(frozen=True)
class Visit:
    url: str
    route: str  # the URL pattern's name, e.g. "reports:feedback"
    status: int
    content_type: str
    main_text: str


def _route(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def crawl(
    client: Client, start: Iterable[str] = ("/",), *, per_route: int = 1, limit: int = 2000
) -> list[Visit]:
    """Breadth-first over internal GET links; at most `per_route` pages of each route."""
    queue: deque[str] = deque(start)
    seen: set[str] = set(queue)
    per: dict[str, int] = {}
    visits: list[Visit] = []
    while queue and len(visits) < limit:
        url = queue.popleft()
        route = _route(urlsplit(url).path) or "?"
        if per.get(route, 0) >= per_route:
            continue
        per[route] = per.get(route, 0) + 1
        response = client.get(url)
        kind = response.get("Content-Type", "")
        if response.streaming:
            b"".join(response.streaming_content)
            body = ""
        else:
            body = response.content.decode("utf-8", "replace") if "text/html" in kind else ""
        page = _Page()
        if body:
            page.feed(body)
        visits.append(
            Visit(url, route, response.status_code, kind.split(";")[0], " ".join(page.words))
        )
        for href in page.links:
            target = urldefrag(href)[0]
            if not target.startswith("/") or target.startswith("//"):
                continue
            if target.startswith(SKIP_PREFIXES) or target in seen:
                continue
            seen.add(target)
            queue.append(target)
    return visits


DATE = re.compile(
    r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December)"
    r"( \d{4})?\b|\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]* \d{1,2} [A-Z][a-z]+\b|\b\d{4}-\d{2}-\d{2}\b"
    r"|\b\d{1,2}:\d{2}\b"
)
RELATIVE = re.compile(r"\b\d+ (day|days|week|weeks|month|months|hour|hours|minute|minutes)\b")


CODE = re.compile(r"\bP\d{2,}\b")
CHART = re.compile(r"\bchart [0-9a-f]{12,}\b")


def normalised(text: str) -> str:
    """Main text less what moves with the calendar (the demo is built relative to today) or with
    the database's ids: network codes and keyed-hash orders follow ids, which differ when the demo
    has been rebuilt within a run, so the words are compared as a sorted multiset."""
    text = RELATIVE.sub("<n> \\1", DATE.sub("<date>", text))
    text = CHART.sub("chart", CODE.sub("P##", text))
    return " ".join(sorted(text.split()))


def digest(text: str) -> str:
    return hashlib.sha256(normalised(text).encode()).hexdigest()[:16]
