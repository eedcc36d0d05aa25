"""The guard `.ci/run` relies on: a test skipped for a missing tool fails the run under CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIPPING = """
import pytest

def test_needs_a_tool():
    pytest.importorskip("no_such_module_for_tandem_tests")

def test_needs_postgresql():
    pytest.skip("TRUNCATE is PostgreSQL's")
"""


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_skipping.py").write_text(SKIPPING, encoding="utf-8")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.tool_skips",
            "-p",
            "no:django",
            "-p",
            "no:randomly",
            "-q",
            "-c",
            os.devnull,
            str(tmp_path),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_skip_for_a_missing_module_fails_the_run_under_ci(tmp_path: Path) -> None:
    result = _run(tmp_path, TANDEM_NO_TOOL_SKIPS="1")
    assert result.returncode == 1, result.stdout
    assert "test_needs_a_tool" in result.stdout
    assert "skipped for a missing tool" in result.stdout
    assert "test_needs_postgresql:" not in result.stdout  # other skips are left alone


def test_on_a_laptop_the_same_skip_is_only_reported(tmp_path: Path) -> None:
    result = _run(tmp_path, TANDEM_NO_TOOL_SKIPS="0")
    assert result.returncode == 0, result.stdout
    assert "2 skipped" in result.stdout
