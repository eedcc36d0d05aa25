"""The `tandem` command: demo, serve, import, reports, analyses and Django's management commands.

`base` holds what every sub-command shares (`CommandError`, `EXIT_BAD_INPUT`, `setup_django`);
`server`, `participants`, `org` and `analyse` Tandem's own sub-commands; `command` builds the
parser — each app adds its own sub-commands through `tandem.registry` — and runs it. Importing
this package imports no Django and no app.
"""

from tandem.cli.base import EXIT_BAD_INPUT, CommandError
from tandem.cli.command import main

__all__ = ["EXIT_BAD_INPUT", "CommandError", "main"]
