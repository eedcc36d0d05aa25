"""`tandem demo`, `tandem serve`, `tandem worker` and `tandem manage`: running Tandem."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from typing import Any

# Environment a command needs before Django reads its settings (`tandem.cli.main` sets it from
# the command's name, before setting Django up). The demo is for looking round on one's own
# machine: no authenticator app needed (README).
ENVIRONMENT_BEFORE_SETTINGS: dict[str, dict[str, str]] = {"demo": {"TANDEM_REQUIRE_2FA": "0"}}


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def _port(args: argparse.Namespace) -> int:
    from django.conf import settings

    return int(args.port or settings.PORT)


def _serve(port: int, workers: int, *, tasks: bool = True) -> int:
    """Run gunicorn (a real WSGI server, not Django's development one) and the task worker.

    The worker builds report PDFs in the background; it takes its jobs from the database, so it
    may equally run on another machine (`tandem worker`, with `--no-tasks` here). Ctrl+C or
    SIGTERM stops both.
    """
    from django.conf import settings

    address = os.environ.get("TANDEM_BIND") or f"127.0.0.1:{port}"
    server = [
        sys.executable,
        "-m",
        "gunicorn",
        "tandem.wsgi:application",
        "--bind",
        address,
        "--workers",
        str(workers),
        # No gunicorn access log: it writes request paths, and a respondent's link is a path.
        # Tandem logs each request itself, by route (tandem.logs).
        "--timeout",
        "120",
        "--graceful-timeout",
        "10",
        # gunicorn 27's default control socket is one shared path in the home folder: a second
        # server on the machine would take it over.
        "--no-control-socket",
    ]
    if settings.DEBUG:
        server.append("--reload")
    children = [subprocess.Popen(server)]  # noqa: S603 - our own interpreter, fixed arguments
    if tasks:
        children.append(subprocess.Popen([sys.executable, "-m", "tandem.cli", "worker"]))
    print(f"Tandem is serving on http://{address}/ (stop with Ctrl+C)", flush=True)

    def stop(signum: int, frame: Any) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    code = children[0].wait()
    stop(signal.SIGTERM, None)
    for child in children[1:]:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    return code


def cmd_demo(args: argparse.Namespace) -> int:
    from tandem import demo

    _migrate()
    if args.reset and demo.demo_exists():
        demo.demo_reset()
    if demo.demo_exists():
        print("The demo programme is already in this database (use --reset to build it afresh).")
        password = args.password or "the one printed when it was built (or use --reset)"
        emails = demo.demo_logins()
    else:
        built = demo.seed_demo(password=args.password or demo.DEFAULT_PASSWORD)
        password = built.password
        emails = built.logins
        print(f"Built the demo programme “{built.programme.name}” with {len(built.pairs)} pairs.")
    print("\nLog in with any of these e-mail addresses:")
    width = max(len(role) for role, _ in emails)
    for role, email in emails:
        print(f"  {role:<{width}}  {email}")
    print(f"Password: {password}\n")
    if args.no_serve:
        return 0
    return _serve(_port(args), args.workers)


def cmd_serve(args: argparse.Namespace) -> int:
    if args.migrate:
        _migrate(verbosity=1)
    return _serve(_port(args), args.workers, tasks=not args.no_tasks)


def cmd_worker(args: argparse.Namespace) -> int:
    """Keep the schedule, send queued e-mail and run background tasks until stopped."""
    from tandem.operations import worker

    worker.run(interval=args.interval, once=args.once)
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tandem manage", *args.rest])
    return 0


def add_demo_and_serve(commands: Any) -> None:
    demo = commands.add_parser("demo", help="build the demo programme (if absent) and serve it")
    demo.add_argument("--password", help="password for every demo account (default printed)")
    demo.add_argument("--port", type=int, help="port to serve on (default TANDEM_PORT or 8000)")
    demo.add_argument(
        "--workers", type=int, default=2, help="gunicorn worker processes (default 2)"
    )
    demo.add_argument(
        "--reset", action="store_true", help="rebuild the demo programme from scratch"
    )
    demo.add_argument("--no-serve", action="store_true", help="build the demo and exit")
    demo.set_defaults(func=cmd_demo)

    serve = commands.add_parser("serve", help="serve an existing database with gunicorn")
    serve.add_argument("--port", type=int, help="port to serve on (default TANDEM_PORT or 8000)")
    serve.add_argument(
        "--workers", type=int, default=2, help="gunicorn worker processes (default 2)"
    )
    serve.add_argument("--migrate", action="store_true", help="apply database migrations first")
    serve.add_argument(
        "--no-tasks", action="store_true", help="do not run the background task worker here"
    )
    serve.set_defaults(func=cmd_serve)


def add_worker(commands: Any) -> None:
    worker = commands.add_parser(
        "worker", help="send queued e-mail, run scheduled jobs and background tasks (report PDFs)"
    )
    worker.add_argument(
        "--interval", type=float, default=1.0, help="seconds between rounds (default 1)"
    )
    worker.add_argument(
        "--once",
        action="store_true",
        help="one round (due e-mail, due jobs, queued tasks), then stop",
    )
    worker.set_defaults(func=cmd_worker)


def add_manage(commands: Any) -> None:
    manage = commands.add_parser(
        "manage", help="run a Django management command (migrate, createsuperuser…)"
    )
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
