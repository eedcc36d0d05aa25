"""The `tandem` command's parser, built from its own commands and every registered app's, and
`main`, which runs one.

Exit codes: 0 success, 1 an unexpected failure, 2 bad input (a file, an argument or a value
that is wrong, with a message saying which).

Django is set up before the parser is built: apps add their sub-commands from their
`AppConfig.ready()` (`tandem.registry`, `cli=`), so this package imports no app's commands.
"""

from __future__ import annotations

import argparse
import os
import sys

from tandem.cli.analyse import add_analyse_commands
from tandem.cli.backup import add_backup_commands
from tandem.cli.base import EXIT_BAD_INPUT, CommandError, setup_django
from tandem.cli.check import add_check_command
from tandem.cli.org import add_org_commands
from tandem.cli.participants import add_import_participants
from tandem.cli.programme import add_programme_commands
from tandem.cli.server import (
    ENVIRONMENT_BEFORE_SETTINGS,
    add_demo_and_serve,
    add_manage,
    add_worker,
)


def build_parser() -> argparse.ArgumentParser:
    """The whole command: Tandem's own sub-commands, each app's, then `manage`."""
    setup_django()
    from tandem.registry import CliGroups, add_cli_commands

    parser = argparse.ArgumentParser(
        prog="tandem",
        description="Run and measure a doctor–manager partnership development programme.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    add_demo_and_serve(commands)
    imports = commands.add_parser("import", help="import data from a file").add_subparsers(
        dest="what", metavar="WHAT", required=True
    )
    add_import_participants(imports)
    add_org_commands(commands)
    add_programme_commands(commands)
    add_worker(commands)
    add_backup_commands(commands)
    add_check_command(commands)
    report = commands.add_parser("report", help="reports as PDF files").add_subparsers(
        dest="kind", metavar="KIND", required=True
    )
    analyse = commands.add_parser(
        "analyse", help="statistics on your own CSV files"
    ).add_subparsers(dest="what", metavar="WHAT", required=True)
    add_analyse_commands(analyse)
    add_cli_commands(CliGroups(commands=commands, imports=imports, analyse=analyse, report=report))
    add_manage(commands)
    return parser


def _command_name(argv: list[str]) -> str | None:
    """The sub-command's name: the first word that is not an option (`tandem` itself has only
    --help)."""
    return next((word for word in argv if not word.startswith("-")), None)


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    # Before Django reads its settings, which setting up Django (for the apps' commands) does.
    for name, value in ENVIRONMENT_BEFORE_SETTINGS.get(_command_name(arguments) or "", {}).items():
        os.environ.setdefault(name, value)
    parser = build_parser()
    args = parser.parse_args(arguments)
    from tandem.audit.context import acting_as

    try:
        # Writes made from the command line are audited under this label (no logged-in user).
        with acting_as(f"command line: tandem {args.command}"):
            return int(args.func(args) or 0)
    except CommandError as exc:
        print(f"tandem: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValueError as exc:
        # AnalysisInputError (a ValueError) means bad input: a message, never a traceback.
        from tandem.analysis.errors import AnalysisInputError

        if not isinstance(exc, AnalysisInputError):
            raise
        print(f"tandem: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
