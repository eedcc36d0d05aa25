"""Benchmark: the server time of every page each demo role reaches, p50 and p95 per URL pattern.

Target (issue 17): every page ≤ 300 ms of server time at p95 on the demo, warm, for each role.

Builds the demo programme in a throw-away database (SQLite, or PostgreSQL with --postgres:
database `tandem_bench_pages` at 127.0.0.1:5432, dropped and made again), then for each demo
role walks the site by its links exactly as the whole-site check does (tandem.web.sitewalk: GET
only, at most --per-pattern addresses of each URL pattern), once to warm up and find the pages,
then --repeats more times, timing each request in the process (Django's test client: the time
the server spends, without the network or the WSGI server). `/healthz`, which does nothing but
answer, is timed the same way as the floor.

PDFs are queued for the worker, as in production (no worker runs here, so their addresses time
the "Preparing the PDF" page); the evaluation PDF, which is still made inside its request, is
reported with the downloads, apart from the pages.

    .venv/bin/python bench/pages.py [--postgres] [--repeats 5] [--no-chart-cache] [--json FILE]

--no-chart-cache draws every chart on every request, as Tandem did before issue 17: the
"before" column of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

PG_URL = "postgres://postgres@127.0.0.1:5432/tandem_bench_pages"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--per-pattern", type=int, default=2)
    parser.add_argument("--no-chart-cache", action="store_true")
    parser.add_argument("--no-gc-freeze", action="store_true")
    parser.add_argument("--json", type=Path, help="write every timing here")
    parser.add_argument(
        "--roles",
        help="only these demo roles, comma-separated words of their names (e.g. lead,coach)",
    )
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="tandem-bench-pages-"))
    os.environ.update(
        TANDEM_HOME=str(home),
        TANDEM_SECRET_KEY="bench",
        TANDEM_REQUIRE_2FA="0",
        DJANGO_SETTINGS_MODULE="tandem.settings",
        TANDEM_ALLOWED_HOSTS="testserver,127.0.0.1",
    )
    os.environ.pop("DATABASE_URL", None)
    if args.postgres:
        for sql in (
            "DROP DATABASE IF EXISTS tandem_bench_pages",
            "CREATE DATABASE tandem_bench_pages",
        ):
            subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], check=True
            )
        os.environ["DATABASE_URL"] = PG_URL
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import caches
    from django.core.management import call_command
    from django.test import Client

    from tandem.demo import demo_logins, seed_demo
    from tandem.web.sitewalk import client_fetcher, walk

    settings.AXES_ENABLED = False
    if args.no_chart_cache:
        from django.test.utils import override_settings

        dummy = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        override_settings(CACHES={**settings.CACHES, "charts": dummy}).enable()
        assert caches["charts"].get("anything", "missing") == "missing"

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seed_demo(password="bench-password")
    print(f"demo built in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    floor_client = Client()
    floor_client.get("/healthz")
    floor = []
    for _ in range(50):
        t0 = time.perf_counter()
        floor_client.get("/healthz")
        floor.append((time.perf_counter() - t0) * 1000)

    users = get_user_model().objects
    roles = [*demo_logins(), ("Not logged in", "")]
    if args.roles:
        wanted = [word.strip().lower() for word in args.roles.split(",")]
        roles = [(r, e) for r, e in roles if any(w in r.lower() for w in wanted)]
    timings: dict[str, dict[str, list[float]]] = {}
    kinds: dict[str, str] = {}
    walked = []
    for role, email in roles:
        client = Client()
        if email:
            client.force_login(users.get(email=email))
        fetch = client_fetcher(client)
        found = walk(role, fetch, per_pattern=args.per_pattern, check_per_pattern=0)
        walked.append((role, fetch, [v for v in found.visits if v.full and v.status < 400]))
    # What tandem.wsgi does in each gunicorn worker once it has loaded: long-lived objects are
    # left out of the garbage collector's full collections (--no-gc-freeze: as before issue 17).
    if not args.no_gc_freeze:
        gc.collect()
        gc.freeze()
    for role, fetch, pages in walked:
        per_pattern: dict[str, list[float]] = defaultdict(list)
        for _ in range(args.repeats):
            for visit in pages:
                fetched = fetch(visit.path)
                per_pattern[visit.pattern].append(fetched.ms)
                kinds[visit.pattern] = (
                    "page" if fetched.content_type.startswith("text/html") else "download"
                )
        timings[role] = dict(per_pattern)
        slow = sum(
            1 for p, ms in per_pattern.items() if kinds[p] == "page" and _percentile(ms, 0.95) > 300
        )
        print(
            f"{role}: {len(per_pattern)} patterns, {slow} pages over 300 ms at p95", file=sys.stderr
        )

    database = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"# Page server time, {database}, {'no chart cache' if args.no_chart_cache else 'chart cache'}, "
        f"{'no gc.freeze' if args.no_gc_freeze else 'gc.freeze'}"
        f" — {platform.node()}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}"
    )
    print(
        f"\nFloor: /healthz p50 {statistics.median(floor):.1f} ms, p95 {_percentile(floor, 0.95):.1f} ms\n"
    )
    print("| role | URL pattern | kind | n | p50 ms | p95 ms |")
    print("|---|---|---|---:|---:|---:|")
    worst: list[tuple[float, str, str]] = []
    for role, patterns in timings.items():
        for pattern, ms in sorted(patterns.items()):
            p95 = _percentile(ms, 0.95)
            print(
                f"| {role} | `{pattern}` | {kinds[pattern]} | {len(ms)} | "
                f"{statistics.median(ms):.0f} | {p95:.0f} |"
            )
            if kinds[pattern] == "page":
                worst.append((p95, role, pattern))
    worst.sort(reverse=True)
    print("\nSlowest pages at p95:")
    for p95, role, pattern in worst[:10]:
        print(f"  {p95:7.0f} ms  {role}: {pattern}")
    over = [w for w in worst if w[0] > 300]
    print(f"\n{len(over)} of {len(worst)} (role, page pattern) pairs over 300 ms at p95.")
    if args.json:
        args.json.write_text(
            json.dumps({"floor": floor, "timings": timings, "kinds": kinds}, indent=1),
            encoding="utf-8",
        )
    if args.postgres:
        from django.db import connections

        connections.close_all()
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-q",
                "-c",
                "DROP DATABASE IF EXISTS tandem_bench_pages",
            ],
            check=False,
        )


if __name__ == "__main__":
    main()
