"""The question page draws each question's radios once per process (respond._radios_kept); the
page must stay exactly what the NHS.UK radios macro drew in a loop before (issue 17).

The template as it was is kept in tests/surveys/reference/; each page is drawn both ways from
the same context and compared element by element, attribute by attribute, text by text (only
the whitespace between tags may differ)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.template import engines

from tandem.surveys.views import respond

BEFORE = Path(__file__).parent / "reference" / "respond_section_before_issue_17.jinja"


class _Tokens(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[Any, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if ("name", "csrfmiddlewaretoken") in attrs:  # masked afresh each time it is drawn
            attrs = [(k, "(token)" if k == "value" else v) for k, v in attrs]
        self.tokens.append(("start", tag, tuple(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.tokens.append(("text", " ".join(data.split())))


def tokens(html: str) -> list[tuple[Any, ...]]:
    parser = _Tokens()
    parser.feed(html)
    return parser.tokens


@pytest.fixture
def drawn_both_ways(monkeypatch):  # type: ignore[no-untyped-def]
    """Calls the page; returns (as drawn now, as the template before drew it)."""
    captured: dict[str, Any] = {}
    real_render = respond.render

    def capture(request, template_name, context=None, status=None):  # type: ignore[no-untyped-def]
        if template_name == "surveys/respond_section.jinja":
            captured.update(request=request, context=context)
        return real_render(request, template_name, context, status=status)

    monkeypatch.setattr(respond, "render", capture)

    def draw(response) -> tuple[str, str]:  # type: ignore[no-untyped-def]
        before = engines["jinja2"].from_string(BEFORE.read_text(encoding="utf-8"))
        old = before.render(captured["context"], request=captured["request"])
        return response.content.decode(), old

    return draw


def test_unanswered_answered_and_dont_know_questions_are_drawn_as_before(
    client, invitation, drawn_both_ways
) -> None:
    from tandem.surveys import services

    services.answer_save(invitation=invitation, item_id="trust1", value="4")
    services.answer_save(invitation=invitation, item_id="trust2", value="dont_know")
    for section in ("communication", "trust", "connections"):
        response = client.get(f"/s/{invitation.token}/page/{section}/")
        assert response.status_code == 200
        now, before = drawn_both_ways(response)
        assert tokens(now) == tokens(before), section
    trust = client.get(f"/s/{invitation.token}/page/trust/").content.decode()
    assert 'id="trust1-4" name="trust1" type="radio" value="4" checked' in trust


def test_a_page_with_errors_is_drawn_as_before(client, invitation, drawn_both_ways) -> None:
    response = client.post(
        f"/s/{invitation.token}/page/trust/", {"trust1": "9", "trust2": "3", "go": "next"}
    )
    assert response.status_code == 400
    now, before = drawn_both_ways(response)
    assert tokens(now) == tokens(before)
    assert "Choose one of the answers shown." in now
