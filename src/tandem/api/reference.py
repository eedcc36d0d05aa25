"""The API's documentation page, drawn by Tandem from its own OpenAPI description.

It replaces the bundled Swagger UI, which failed WCAG 2.2 AA (contrast, nested controls, target
size, no page language) and needs JavaScript: this page is plain HTML in the NHS.UK design,
works without scripts and lists each endpoint with its parameters, answers and their fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    description: str
    where: str = ""  # for a parameter: path or query


@dataclass(frozen=True)
class Answer:
    status: str
    description: str
    schema: str  # a component's name, or ""


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    anchor: str
    parameters: list[Field]
    answers: list[Answer]


@dataclass(frozen=True)
class Schema:
    name: str
    description: str
    fields: list[Field]


@dataclass
class Reference:
    title: str
    version: str
    description: SafeString
    groups: list[tuple[str, list[Operation]]] = field(default_factory=list)
    schemas: list[Schema] = field(default_factory=list)


def text_to_html(text: str) -> SafeString:
    """The description's few marks (paragraphs, **bold**, `code`) as HTML; everything escaped."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    html = []
    for paragraph in paragraphs:
        escaped = str(escape(paragraph))
        escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
        escaped = re.sub(r"`(.+?)`", r"<code>\1</code>", escaped)
        html.append(f"<p>{escaped}</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - built from escaped text only


def type_of(schema: dict[str, Any]) -> str:
    """A schema's type as a reader would say it: `integer`, `list of ParticipantOut`, `string or null`."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(type_of(s) for s in schema["anyOf"])
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return type_of(schema["allOf"][0])
    kind = schema.get("type", "any")
    if kind == "array":
        return "list of " + type_of(schema.get("items", {}))
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return str(kind)


def _schema_name(response: dict[str, Any]) -> str:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return type_of(schema) if schema else ""


def build(document: dict[str, Any]) -> Reference:
    info = document.get("info", {})
    reference = Reference(
        title=info.get("title", "API"),
        version=str(info.get("version", "")),
        description=text_to_html(info.get("description", "")),
    )
    groups: dict[str, list[Operation]] = {}
    for path, item in document.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if not operation:
                continue
            parameters = [
                Field(
                    name=p["name"],
                    type=type_of(p.get("schema", {})),
                    required=bool(p.get("required")),
                    description=p.get("description", "")
                    or p.get("schema", {}).get("description", ""),
                    where=p.get("in", ""),
                )
                for p in operation.get("parameters", [])
            ]
            answers = sorted(
                (
                    Answer(
                        status=str(status),
                        description=r.get("description", ""),
                        schema=_schema_name(r),
                    )
                    for status, r in operation.get("responses", {}).items()
                ),
                key=lambda a: a.status,
            )
            tag = (operation.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", "") or operation.get("operationId", ""),
                    description=operation.get("description", ""),
                    anchor="op-"
                    + operation.get("operationId", f"{method}-{path}").replace("_", "-"),
                    parameters=parameters,
                    answers=answers,
                )
            )
    reference.groups = [(tag.capitalize(), ops) for tag, ops in groups.items()]
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        required = set(schema.get("required", []))
        reference.schemas.append(
            Schema(
                name=name,
                description=schema.get("description", ""),
                fields=[
                    Field(
                        name=prop,
                        type=type_of(spec),
                        required=prop in required,
                        description=spec.get("description", ""),
                    )
                    for prop, spec in schema.get("properties", {}).items()
                ],
            )
        )
    return reference


@lru_cache(maxsize=1)
def api_reference() -> Reference:
    """Built once per process: the API does not change while Tandem runs."""
    from django.urls import reverse

    from tandem.api.urls import api

    return build(api.get_openapi_schema(path_prefix=reverse("api-v1:api-root")))
