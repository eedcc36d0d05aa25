"""A real OpenID provider (the certified npm `oidc-provider`) for the single sign-on tests.

`start_provider` runs tests/oidc_provider/provider.mjs under Node on a free port of 127.0.0.1 and
stops it when the `with` block ends. `sign_in` plays the person at the provider's sign-in page
with `requests`, for the tests that drive Tandem through Django's test client.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.conf import settings

HERE = Path(__file__).resolve().parent
CLIENT_ID = "tandem"
CLIENT_SECRET = "tandem-tests-client-secret-not-a-secret"
OTHER_CLIENT_ID = "someone-else"
OTHER_CLIENT_SECRET = "other-tests-client-secret-not-a-secret"


@dataclass
class RunningProvider:
    issuer: str
    accounts: dict[str, dict[str, Any]]
    output: list[str] = field(default_factory=list)


def _node() -> str:
    node = shutil.which("node")
    if node is None or not (Path(settings.NODE_MODULES_DIR) / "oidc-provider").is_dir():
        reason = "node or node_modules/oidc-provider is missing (make install)"
        if os.environ.get("TANDEM_REQUIRE_BROWSER") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return node


@contextmanager
def start_provider(
    *,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str],
    accounts: dict[str, dict[str, Any]],
    id_token_ttl: int = 3600,
) -> Iterator[RunningProvider]:
    """Run the provider until the block ends; `accounts` maps a sign-in e-mail to its claims."""
    clients = [
        {
            "client_id": client_id,
            "client_secret": secret,
            "redirect_uris": redirect_uris,
            "post_logout_redirect_uris": post_logout_redirect_uris,
        }
        for client_id, secret in (
            (CLIENT_ID, CLIENT_SECRET),
            (OTHER_CLIENT_ID, OTHER_CLIENT_SECRET),
        )
    ]
    env = {
        **os.environ,
        "OIDC_CLIENTS": json.dumps(clients),
        "OIDC_ACCOUNTS": json.dumps(accounts),
        "OIDC_ID_TOKEN_TTL": str(id_token_ttl),
    }
    process = subprocess.Popen(
        [_node(), str(HERE / "provider.mjs")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    reader: threading.Thread | None = None
    try:
        assert process.stdout is not None
        output: list[str] = []
        issuer = ""
        timer = threading.Timer(30, process.kill)
        timer.start()
        try:
            for line in process.stdout:
                output.append(line.rstrip())
                if line.startswith("READY "):
                    issuer = line.split(" ", 1)[1].strip()
                    break
        finally:
            timer.cancel()
        if not issuer:
            pytest.fail("The test OpenID provider did not start:\n" + "\n".join(output))
        running = RunningProvider(issuer=issuer, accounts=accounts, output=output)
        # Keep reading its output (warnings) so that a full pipe never blocks it.
        reader = threading.Thread(
            target=lambda: running.output.extend(line.rstrip() for line in process.stdout or []),
            daemon=True,
        )
        reader.start()
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if reader is not None:
            reader.join(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def sign_in(authorize_url: str, email: str, *, redirect_uri: str) -> str:
    """Follow Tandem's redirect to the provider, sign in as `email`, return the redirect back.

    Stops at the first address under `redirect_uri` (Tandem's callback on the test client's
    `testserver`, which `requests` cannot reach) and returns it whole, with `code` and `state`.
    """
    browser = requests.Session()
    url = authorize_url
    for _ in range(10):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and "/interaction/" in url:
            action = re.search(r'action="([^"]+)"', response.text)
            assert action, response.text
            response = browser.post(
                urljoin(url, action.group(1)),
                data={"email": email},
                allow_redirects=False,
                timeout=10,
            )
        assert response.status_code in (302, 303), (response.status_code, response.text[:500])
        url = urljoin(url, response.headers["Location"])
        if url.startswith(redirect_uri):
            return url
    raise AssertionError("the provider never sent the browser back to Tandem")


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
