"""The codebook: the programme's codes as a tree, and one code for the lead to edit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from tandem.coding.models import (
    Code,
)
from tandem.coding.selectors.access import require_lead
from tandem.programmes.models import Programme
from tandem.programmes.selectors import (
    ProgrammeNotFound,
)


@dataclass(frozen=True)
class CodeNode:
    """A code in the codebook tree, with how many excerpts carry it."""

    id: int
    name: str
    description: str
    colour: str
    colour_label: str
    parent_id: int | None
    depth: int
    path: str
    excerpt_count: int
    children: tuple[CodeNode, ...] = ()


def code_nodes(programme: Programme) -> list[CodeNode]:
    codes = list(
        Code.objects.filter(codebook__programme=programme)
        .annotate(excerpt_count=Count("assignments"))
        .order_by("name", "id")
    )
    by_parent: dict[int | None, list[Code]] = defaultdict(list)
    for code in codes:
        by_parent[code.parent_id].append(code)

    def build(code: Code, depth: int, prefix: str) -> CodeNode:
        path = f"{prefix} › {code.name}" if prefix else code.name
        return CodeNode(
            id=code.pk,
            name=code.name,
            description=code.description,
            colour=code.colour,
            colour_label=code.get_colour_display() if code.colour else "",
            parent_id=code.parent_id,
            depth=depth,
            path=path,
            excerpt_count=code.excerpt_count,  # type: ignore[attr-defined]
            children=tuple(build(child, depth + 1, path) for child in by_parent[code.pk]),
        )

    return [build(code, 0, "") for code in by_parent[None]]


def flatten(nodes: Iterable[CodeNode]) -> list[CodeNode]:
    """The tree depth first: each code followed by its sub-codes."""
    flat: list[CodeNode] = []
    for node in nodes:
        flat.append(node)
        flat.extend(flatten(node.children))
    return flat


def code_tree(*, viewer: Any, programme: Programme) -> list[CodeNode]:
    """The programme's codes as a tree (top-level codes, each with its sub-codes)."""
    require_lead(viewer=viewer, programme=programme)
    return code_nodes(programme)


def code_paths(*, programme: Programme) -> dict[int, str]:
    """Code id → "Parent › Child", for labels."""
    return {node.id: node.path for node in flatten(code_nodes(programme))}


def codes_for(*, programme: Programme) -> QuerySet[Code]:
    """The programme's codes, for choosing among in a form (the form checks membership)."""
    return Code.objects.filter(codebook__programme=programme)


def code_for(*, viewer: Any, programme: Programme, code_id: int) -> Code:
    require_lead(viewer=viewer, programme=programme)
    code = (
        Code.objects.filter(codebook__programme=programme, pk=code_id)
        .select_related("parent")
        .first()
    )
    if code is None:
        raise ProgrammeNotFound("No such code in this programme's codebook.")
    return code


def descendant_ids(*, code: Code) -> set[int]:
    """The ids of every code below `code` (not `code` itself)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Code.objects.filter(codebook_id=code.codebook_id).values_list(
        "pk", "parent_id"
    ):
        children[parent_id].append(pk)
    found: set[int] = set()
    stack = list(children[code.pk])
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children[pk])
    return found
