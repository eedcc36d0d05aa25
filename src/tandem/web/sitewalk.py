"""Walk every page a signed-in person can reach by following links, as the whole-site check does.

Used by the whole-site check in the test suite (tests/test_whole_site.py and its browser twin)
and by `bench/pages.py`. A walk is GET only: it follows `<a href>` links on Tandem's own pages,
never submits a form, and visits at most `per_pattern` addresses of each URL pattern (a
programme's people pages are one pattern however many people there are), so that it stays
short on a large programme. Every link it finds is still requested, up to `check_per_pattern`
of each pattern, to prove that no page shows a link its reader cannot follow.

Nothing here is Django-test specific: `fetch` is any callable that GETs a path and returns a
`Fetched`, so a test client, a live server or a browser context can drive it.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.urls import Resolver404, resolve

# Addresses a walk never requests: files the browser fetches for a page (not pages), and the
# Django admin's own log-out link, which is a GET there.
SKIPPED_PREFIXES = ("/static/", "/media/", "/admin/logout/")


@dataclass(frozen=True)
class Fetched:
    """One GET as the walk sees it: status, content type, body and the server's time in ms."""

    status: int
    content_type: str
    body: bytes
    ms: float
    location: str = ""  # the redirect target of a 3xx


@dataclass
class Visit:
    path: str
    pattern: str
    status: int
    content_type: str
    ms: float
    found_on: str  # the page whose link led here ("" for a starting address)
    full: bool  # visited as a page (links followed, headings checked), not only status-checked
    h1_count: int = 0
    title: str = ""


@dataclass
class Walk:
    role: str
    visits: list[Visit] = field(default_factory=list)

    @property
    def pages(self) -> list[Visit]:
        """Pages visited in full that answered with HTML."""
        return [v for v in self.visits if v.full and v.content_type.startswith("text/html")]

    def problems(self) -> list[str]:
        """What a reader of this role would notice: errors, dead or forbidden links, bad headings."""
        found: list[str] = []
        for visit in self.visits:
            where = f"{visit.path} (linked from {visit.found_on or 'the start'})"
            if visit.status >= 500:
                found.append(f"{self.role}: {where} answered {visit.status}")
            elif visit.status >= 400 and visit.found_on:  # 403, 404: shown, not followable
                found.append(f"{self.role}: a link to {where} answers {visit.status}")
        for page in self.pages:
            if page.status not in (200, 202):
                continue
            if page.h1_count != 1:
                found.append(f"{self.role}: {page.path} has {page.h1_count} h1 headings, not 1")
            if not page.title.strip():
                found.append(f"{self.role}: {page.path} has no title")
        return found


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.h1_count = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        elif tag == "h1":
            self.h1_count += 1
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def pattern_of(path: str) -> str:
    """The URL pattern an address belongs to, with the names of its query parameters.

    `/programmes/demo/people/12/` and `/programmes/demo/people/13/` are one pattern;
    `?service=3` and `?service=4` on a page are one pattern, `?format=csv` another.
    """
    parts = urlsplit(path)
    try:
        match = resolve(parts.path)
    except Resolver404:
        route = "(unresolved) " + parts.path
    else:
        route = match.route or parts.path
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    formats = [v for k, v in parse_qsl(parts.query) if k in ("format", "download")]
    suffix = "?" + "&".join(keys) if keys else ""
    if formats:
        suffix += "=" + ",".join(formats)
    return route + suffix


def _local_path(href: str, base: str) -> str | None:
    absolute = urlsplit(urljoin("http://tandem.invalid" + base, href))
    if absolute.scheme not in ("http", "https") or absolute.netloc != "tandem.invalid":
        return None
    if absolute.path.startswith(SKIPPED_PREFIXES):
        return None
    query = urlencode(parse_qsl(absolute.query, keep_blank_values=True))
    return absolute.path + ("?" + query if query else "")


def walk(
    role: str,
    fetch: Callable[[str], Fetched],
    start: Iterable[str] = ("/",),
    *,
    per_pattern: int = 2,
    check_per_pattern: int = 25,
    max_pages: int = 2000,
) -> Walk:
    """Breadth-first from `start`, following links; see the module's docstring."""
    result = Walk(role=role)
    queue: deque[tuple[str, str]] = deque((path, "") for path in start)
    seen: set[str] = {path for path in start}
    full_visits: dict[str, int] = {}
    checks: dict[str, int] = {}
    while queue and len(result.visits) < max_pages:
        path, found_on = queue.popleft()
        pattern = pattern_of(path)
        full = full_visits.get(pattern, 0) < per_pattern
        if not full:
            if checks.get(pattern, 0) >= check_per_pattern:
                continue
            checks[pattern] = checks.get(pattern, 0) + 1
        fetched = _follow(fetch, path)
        visit = Visit(
            path=path,
            pattern=pattern,
            status=fetched.status,
            content_type=fetched.content_type,
            ms=fetched.ms,
            found_on=found_on,
            full=full,
        )
        result.visits.append(visit)
        if not full or not fetched.content_type.startswith("text/html"):
            if full:
                full_visits[pattern] = full_visits.get(pattern, 0) + 1
            continue
        full_visits[pattern] = full_visits.get(pattern, 0) + 1
        parser = _PageParser()
        parser.feed(fetched.body.decode("utf-8", errors="replace"))
        visit.h1_count = parser.h1_count
        visit.title = " ".join(parser.title.split())
        if fetched.status >= 400:
            continue
        for href in parser.links:
            target = _local_path(href, path)
            if target is None or target in seen:
                continue
            seen.add(target)
            queue.append((target, path))
    return result


def _follow(fetch: Callable[[str], Fetched], path: str, hops: int = 5) -> Fetched:
    """GET `path`, following redirects within the site; the time is the sum of the hops."""
    total = 0.0
    fetched = fetch(path)
    total += fetched.ms
    while fetched.status in (301, 302, 303, 307, 308) and hops:
        target = _local_path(fetched.location, path)
        if target is None:
            break
        path = target
        fetched = fetch(path)
        total += fetched.ms
        hops -= 1
    return Fetched(fetched.status, fetched.content_type, fetched.body, total, fetched.location)


def client_fetcher(client: object) -> Callable[[str], Fetched]:
    """A `fetch` for Django's test client (or anything with its `get`), timing each request."""

    def fetch(path: str) -> Fetched:
        started = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        ms = (time.perf_counter() - started) * 1000
        return Fetched(
            status=response.status_code,
            content_type=response.get("Content-Type", ""),
            body=body,
            ms=ms,
            location=response.get("Location", ""),
        )

    return fetch
