"""What every `tandem` sub-command shares, wherever it is written: the error a user can fix, its
exit code, and setting Django up.

An app's command module (`tandem/<app>/cli.py`) imports from here and nowhere else in this
package, so the package that builds the command never has to be imported by an app.
"""

from __future__ import annotations

import os

EXIT_BAD_INPUT = 2


class CommandError(Exception):
    """A problem the user can fix; printed without a traceback, exit code 2."""


def setup_django() -> None:
    """Configure Django and load the apps (once; later calls change nothing)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    from django.apps import apps

    if apps.ready:
        return
    import django

    django.setup()
