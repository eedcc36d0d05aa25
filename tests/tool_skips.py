"""A pytest plugin: with TANDEM_NO_TOOL_SKIPS=1 (as `.ci/run` sets), a test skipped because a
tool or library is missing fails the run.

A skip like that turns a machine that lacks the tool green: the test never ran, and the next
machine (or the next person's laptop) finds out. Chromium is the one tool a laptop may lack
(the browser journeys skip without it); CI makes that a failure itself (TANDEM_REQUIRE_BROWSER).
Skips for other reasons (a test for PostgreSQL on SQLite, say) are left alone.
"""

from __future__ import annotations

import os
import re

import pytest

MISSING_TOOL = re.compile(
    r"could not import|no module named|not installed|is missing|no such file|not found|"
    r"command not found|executable",
    re.IGNORECASE,
)
ALLOWED = re.compile(r"chromium|browser tests cannot run", re.IGNORECASE)

_missing: list[str] = []


def _reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = _reason(report)
    if MISSING_TOOL.search(reason) and not ALLOWED.search(reason):
        _missing.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("TANDEM_NO_TOOL_SKIPS") != "1" or not _missing:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep(
            "=", "tests skipped for a missing tool (TANDEM_NO_TOOL_SKIPS=1)", red=True
        )
        for line in _missing:
            reporter.write_line(line)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
