"""The walk behind the whole-site check: what it follows, how it groups addresses, what it reports."""

from __future__ import annotations

from tandem.web.sitewalk import Fetched, pattern_of, walk

PAGE = "<html><head><title>{title}</title></head><body><h1>{title}</h1>{links}</body></html>"


def site(pages: dict[str, tuple[int, str]]):  # type: ignore[no-untyped-def]
    requested: list[str] = []

    def fetch(path: str) -> Fetched:
        requested.append(path)
        status, links = pages.get(path, (404, ""))
        body = PAGE.format(title=path, links=links).encode()
        return Fetched(status, "text/html; charset=utf-8", body, 1.0)

    return fetch, requested


def test_addresses_of_one_url_pattern_are_one_pattern_and_query_names_count() -> None:
    assert pattern_of("/programmes/a/people/1/") == pattern_of("/programmes/b/people/2/")
    assert pattern_of("/programmes/a/people/?role=sponsor") == pattern_of(
        "/programmes/a/people/?role=coach"
    )
    assert pattern_of("/programmes/a/people/") != pattern_of("/programmes/a/people/?role=coach")
    assert pattern_of("/no/such/page/").startswith("(unresolved)")


def test_two_of_a_pattern_are_visited_the_rest_only_requested_and_outside_links_never() -> None:
    people = "".join(f'<a href="/programmes/demo/people/{n}/">{n}</a>' for n in range(1, 6))
    fetch, requested = site(
        {
            "/": (
                200,
                people + '<a href="https://example.org/">out</a><a href="/static/x.css">s</a>',
            ),
            **{
                f"/programmes/demo/people/{n}/": (200, '<a href="/secret/">x</a>')
                for n in range(1, 6)
            },
        }
    )
    result = walk("lead", fetch)
    assert [v.path for v in result.visits if v.full] == [
        "/",
        "/programmes/demo/people/1/",
        "/programmes/demo/people/2/",
        "/secret/",
    ]
    assert "https://example.org/" not in requested and "/static/x.css" not in requested
    assert set(requested) >= {f"/programmes/demo/people/{n}/" for n in range(1, 6)}


def test_a_link_that_answers_403_or_404_or_500_and_a_page_without_h1_are_reported() -> None:
    fetch, _ = site(
        {
            "/": (200, '<a href="/programmes/demo/people/">p</a><a href="/gone/">g</a>'),
            "/programmes/demo/people/": (403, ""),
        }
    )
    problems = walk("coach", fetch).problems()
    assert any("/programmes/demo/people/" in p and "403" in p for p in problems)
    assert any("/gone/" in p and "404" in p for p in problems)

    def no_heading(path: str) -> Fetched:
        return Fetched(200, "text/html", b"<title>T</title><p>no heading</p>", 1.0)

    assert walk("lead", no_heading).problems() == ["lead: / has 0 h1 headings, not 1"]
