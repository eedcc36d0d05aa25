"""The API's documentation page: drawn by Tandem from the OpenAPI description, plain HTML."""

from __future__ import annotations

from html import unescape

from django.test import Client

from tandem.api.reference import text_to_html, type_of
from tandem.api.urls import api


class Page(str):
    @property
    def html_unescaped(self) -> str:
        return unescape(self)


def test_every_endpoint_and_answer_type_of_the_openapi_description_is_on_the_page(db) -> None:
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = Page(page.content.decode())
    assert '<html lang="en"' in html
    assert html.count("<h1") == 1 and "<script src" not in html.split("</head>")[1]
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert f"<code>{method.upper()} {path}</code>" in html, path
            assert operation["summary"] in html.html_unescaped, path
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in html, name


def test_types_read_as_a_reader_would_say_them() -> None:
    assert type_of({"type": "integer"}) == "integer"
    assert type_of({"anyOf": [{"type": "integer"}, {"type": "null"}]}) == "integer or null"
    assert type_of({"type": "array", "items": {"$ref": "#/components/schemas/PairOut"}}) == (
        "list of PairOut"
    )
    assert type_of({"type": "string", "format": "date"}) == "string (date)"


def test_the_description_s_marks_become_html_and_nothing_else_does() -> None:
    html = str(text_to_html('**Errors.** Every error is `{"detail"}`.\n\n<script>x</script>'))
    assert html == (
        "<p><strong>Errors.</strong> Every error is <code>{&quot;detail&quot;}</code>.</p>\n"
        "<p>&lt;script&gt;x&lt;/script&gt;</p>"
    )
