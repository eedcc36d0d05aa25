"""The analysis library must stay importable and testable without Django (docs/design.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import tandem.analysis

ANALYSIS_DIR = Path(tandem.analysis.__file__).parent


def django_imports(source: str) -> list[str]:
    """Every `import django…` / `from django… import` / `from tandem.<app> import` in the source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top == "django" or (top == "tandem" and not name.startswith("tandem.analysis")):
                found.append(name)
    return found


def test_the_check_catches_a_django_import() -> None:
    source = "import numpy\nfrom django.db import models\nimport django.conf\nfrom tandem.programmes import models\n"
    assert django_imports(source) == ["django.db", "django.conf", "tandem.programmes"]


def test_the_check_allows_the_analysis_package_itself() -> None:
    assert django_imports("from tandem.analysis import scoring\nimport scipy.stats\n") == []


def test_analysis_package_imports_nothing_from_django() -> None:
    offenders = {
        str(path.relative_to(ANALYSIS_DIR)): django_imports(path.read_text(encoding="utf-8"))
        for path in ANALYSIS_DIR.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
