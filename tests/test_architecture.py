"""The layers hold (issue 15): read from the source, not from a diagram.

- `tandem.analysis` is pure: it imports neither Django nor any other part of Tandem.
- The core (programmes, accounts, audit, the page layer, the registry, ...) never imports a feature
  app; feature apps plug into it through `tandem.registry`.
- No import cycle between feature apps.

Imports under `if TYPE_CHECKING:` are left out (they do not run). The composition roots — settings,
URLs, WSGI/ASGI and the demo builder — may import anything: that is their job.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import networkx as nx

SRC = Path(__file__).resolve().parents[1] / "src" / "tandem"
FEATURES = frozenset(
    {"surveys", "coding", "reports", "coaching", "typology", "networks", "outcomes", "workshops"}
)
# `operations` composes the apps' work into the worker's schedule (its jobs call each app's
# services), as `demo` composes their demo steps.
COMPOSITION_ROOTS = frozenset({"settings", "urls", "wsgi", "asgi", "demo", "operations"})
ANALYSIS_MAY_IMPORT = frozenset({"tandem.analysis"})


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """Every module named by an import that runs, with its line."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield target, node.lineno
            for alias in node.names:
                yield f"{target}.{alias.name}", node.lineno
        stack.extend(ast.iter_child_nodes(node))


def import_lines() -> list[tuple[str, str, int]]:
    """(importing module, imported module, line) for every tandem source file but migrations."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target, line in _imports(tree, module, path.name == "__init__.py"):
            found.append((module, target, line))
    return found


def _top(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "tandem" and len(parts) > 1 else None


Lines = list[tuple[str, str, int]]


def analysis_violations(lines: Lines | None = None) -> list[str]:
    return sorted(
        f"{src}:{line} imports {target}"
        for src, target, line in (import_lines() if lines is None else lines)
        if _top(src) == "analysis"
        and (target.split(".")[0] == "django" or (_top(target) and _top(target) != "analysis"))
    )


def core_violations(lines: Lines | None = None) -> list[str]:
    return sorted(
        {
            f"{src}:{line} imports {'.'.join(target.split('.')[:2])}"
            for src, target, line in (import_lines() if lines is None else lines)
            if _top(src) not in FEATURES | COMPOSITION_ROOTS
            and _top(src) is not None
            and _top(target) in FEATURES
        }
    )


def feature_graph(lines: Lines | None = None) -> nx.DiGraph:
    graph = nx.DiGraph()
    for src, target, line in import_lines() if lines is None else lines:
        a, b = _top(src), _top(target)
        if a in FEATURES and b in FEATURES and a != b:
            graph.add_edge(a, b, where=f"{src}:{line}")
    return graph


def feature_cycles(lines: Lines | None = None) -> list[str]:
    graph = feature_graph(lines)
    return [
        " → ".join([*cycle, cycle[0]])
        + " ("
        + "; ".join(
            graph.edges[a, b]["where"] for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=False)
        )
        + ")"
        for cycle in nx.simple_cycles(graph)
    ]


def test_analysis_imports_neither_django_nor_the_rest_of_tandem() -> None:
    assert analysis_violations() == []


def test_the_core_never_imports_a_feature_app() -> None:
    assert core_violations() == []


def test_no_import_cycle_between_feature_apps() -> None:
    assert feature_cycles() == []


def _lines(module: str, source: str) -> Lines:
    return [(module, t, line) for t, line in _imports(ast.parse(source), module, False)]


def test_the_checks_fail_when_a_rule_is_broken() -> None:
    # The rules themselves must be able to fail: made-up modules that break each one.
    assert analysis_violations(_lines("tandem.analysis.x", "from django.db import models\n")) == [
        "tandem.analysis.x:1 imports django.db",
        "tandem.analysis.x:1 imports django.db.models",
    ]
    assert analysis_violations(_lines("tandem.analysis.x", "import tandem.surveys\n")) != []
    assert analysis_violations(_lines("tandem.analysis.x", "from . import scoring\n")) == []
    core = _lines("tandem.programmes.views", "from tandem.surveys import models\n")
    assert core_violations(core) == ["tandem.programmes.views:1 imports tandem.surveys"]
    assert core_violations(_lines("tandem.urls", "import tandem.surveys.urls\n")) == []
    cycle = _lines("tandem.surveys.a", "import tandem.networks.b\n") + _lines(
        "tandem.networks.b", "from tandem.surveys import a\n"
    )
    assert len(feature_cycles(cycle)) == 1


def test_imports_that_do_not_run_are_left_out() -> None:
    tree = ast.parse(
        "from tandem.surveys import models\nif TYPE_CHECKING:\n    import tandem.coding\n"
    )
    found = [target for target, _ in _imports(tree, "tandem.programmes.views", False)]
    assert "tandem.surveys" in found and "tandem.coding" not in found
    relative = ast.parse("from ..surveys.models import Wave\n")
    assert next(t for t, _ in _imports(relative, "tandem.reports.views", False)) == (
        "tandem.surveys.models"
    )
