"""What every browser journey does on every page: check it with axe-core, and log in as a person would.

Kept out of `conftest.py` so that the journeys can import these functions (pytest advises against
importing conftest modules); the fixtures they rely on live in `conftest.py`.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict
from urllib.parse import urlsplit

from django.conf import settings
from playwright.sync_api import Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from ..factories import PASSWORD

# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what the NHS service standard and the public sector
# accessibility regulations ask for. axe's "best-practice" rules are left to reviewers.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")

# `allowed` pairs a rule with a CSS selector: that rule's finding on an element matching the
# selector is returned apart, as `allowed`, so the caller can insist that it is still there.
_RUN_AXE = """
async ({tags, allowed}) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],  // passes and incomplete are not reported: faster
    elementRef: true,
  });
  return results.violations.map((violation) => {
    const selectors = allowed.filter((a) => a.rule === violation.id).map((a) => a.selector);
    const isAllowed = (node) => node.element && selectors.some((s) => node.element.matches(s));
    const describe = (node) => ({
      target: node.target.join(" "),
      html: node.html,
      summary: node.failureSummary || "",
    });
    return {
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      helpUrl: violation.helpUrl,
      nodes: violation.nodes.filter((n) => !isAllowed(n)).map(describe),
      allowed: violation.nodes.filter(isAllowed).map(describe),
    };
  });
}
"""

# Makes a fresh browser session on the live server (the `new_page` fixture).
PageFactory = Callable[..., Page]


class _Node(TypedDict):
    target: str
    html: str
    summary: str


class Violation(TypedDict):
    id: str
    impact: str | None
    help: str
    helpUrl: str
    nodes: list[_Node]
    allowed: list[_Node]


@dataclass(frozen=True)
class FalsePositive:
    """An axe-core finding shown to be wrong, tolerated only on the elements `selector` matches.

    The rule still runs everywhere else on the page, and `assert_accessible` fails when the
    finding goes away, so that the allowance is removed with the bug rather than outliving it.
    """

    rule: str
    selector: str
    evidence: str


NHSUK_FILE_UPLOAD_LABEL_IN_NAME = FalsePositive(
    rule="label-content-name-mismatch",
    selector=".nhsuk-file-upload__drop-button",
    evidence=(
        "nhsuk-frontend 10.6 turns the file input into a button named by the label and its own "
        "content: 'Participant list (CSV or XLSX) , No file chosen, Choose file or drop file' (as "
        "Chrome computes it too), so the visible text is in the name and WCAG 2.5.3 is met. The "
        "status and the 'Choose file' text are separated only by a visually hidden ', ', and "
        "axe-core 4.14 (the first release where this rule is no longer experimental) joins the "
        "visible text of adjacent elements without a space, 'No file chosenChoose file', and "
        "reports a mismatch. The W3C ACT rule 2ee8b8 treats element boundaries as spaces; "
        "axe-core's open issue on matching it is dequelabs/axe-core#5203."
    ),
)


def axe_path() -> Path:
    """axe-core as npm installs it, beside the nhsuk-frontend assets the app itself serves."""
    return Path(settings.NODE_MODULES_DIR) / "axe-core" / "axe.min.js"


def _violations(page: Page, allowed: Sequence[FalsePositive]) -> list[Violation]:
    # Installed through Playwright's evaluate, which the page's Content-Security-Policy does not
    # govern: an inline <script> tag would be refused by it (rightly), and bypassing the policy
    # for the whole context would stop these journeys from proving that the pages work under it.
    page.evaluate(axe_path().read_text(encoding="utf-8"))
    result: list[Violation] = page.evaluate(
        _RUN_AXE,
        {
            "tags": list(AXE_TAGS),
            "allowed": [{"rule": a.rule, "selector": a.selector} for a in allowed],
        },
    )
    return result


def _scripts_run(page: Page) -> bool:
    # A page's own scripts do not run in a context made with java_script_enabled=False, but
    # Playwright's evaluate still does. nhsuk-frontend's first (nonce-allowed) script marks the
    # body `js-enabled`: present exactly when the page's scripts ran.
    ran: bool = page.evaluate("() => document.body.classList.contains('js-enabled')")
    return ran


def _violations_of_snapshot(page: Page, allowed: Sequence[FalsePositive]) -> list[Violation]:
    """Audit what a JavaScript-less page shows, in a scratch page where axe can run.

    The page's HTML is served again at its own address (so its stylesheets load and colour
    contrast is measured as the user sees it), with the app's scripts blocked so that the
    markup stays as the server sent it, unenhanced.
    """
    html = page.content()
    address = page.url
    origin = urlsplit(address).netloc
    browser = page.context.browser
    assert browser is not None, "the browser tests only make contexts on a launched browser"
    context = browser.new_context()
    try:
        scratch = context.new_page()

        def serve_snapshot(route: Route) -> None:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

        def block(route: Route) -> None:
            route.abort()

        scratch.route(lambda url: url == address, serve_snapshot)
        scratch.route(
            lambda url: (
                urlsplit(url).netloc != origin or urlsplit(url).path.endswith((".js", ".mjs"))
            ),
            block,
        )
        scratch.goto(address)
        return _violations(scratch, allowed)
    finally:
        context.close()


def _describe(violations: list[Violation], address: str) -> str:
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {address}:"]
    for violation in violations:
        if not violation["nodes"]:
            continue
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}: {node['html'][:300]}")
            lines.extend(f"       {line}" for line in node["summary"].splitlines() if line.strip())
    return "\n".join(lines)


class AccessibilityError(AssertionError):
    """axe-core's findings on one page, described rule by rule and element by element."""


def check_accessible(
    page: Page, *, false_positives: Sequence[FalsePositive] = (), optional: bool = False
) -> None:
    """Raise AccessibilityError with every WCAG 2.2 A/AA violation axe-core finds on the page.

    `false_positives` names findings proven wrong on this page; unless `optional` (a walk over
    many pages, where each allowance applies only to the pages that have such an element), each
    must still be reported (see FalsePositive), and nothing else may be.
    """
    # A form post redirects; wait until the page it lands on has loaded before injecting axe.
    page.wait_for_load_state("load")
    audit = _violations if _scripts_run(page) else _violations_of_snapshot
    violations = audit(page, false_positives)
    failing = [v for v in violations if v["nodes"]]
    if failing:
        raise AccessibilityError(_describe(failing, page.url))
    if optional:
        return
    still_reported = {v["id"] for v in violations if v["allowed"]}
    stale = [a for a in false_positives if a.rule not in still_reported]
    if stale:
        raise AccessibilityError(
            "axe-core no longer reports these on {}; remove the allowance: {}".format(
                page.url, "; ".join(f"{a.rule} on {a.selector}" for a in stale)
            )
        )


def assert_accessible(page: Page, *, false_positives: Sequence[FalsePositive] = ()) -> None:
    """Fail with every WCAG 2.2 A/AA violation axe-core finds on the page as it is now."""
    check_accessible(page, false_positives=false_positives)


def log_in(page: Page, live_server: LiveServer, email: str, password: str = PASSWORD) -> None:
    """Log in through the form and land on the programme list, auditing both pages on the way."""
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Tandem")
    assert_accessible(page)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programmes")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert_accessible(page)


def csv_file(directory: Path, name: str, rows: list[list[str]]) -> Path:
    """A participant list as a spreadsheet saves it, for the file input to pick up."""
    path = directory / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path
