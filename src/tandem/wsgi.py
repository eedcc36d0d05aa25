"""The WSGI application `tandem serve` runs in each gunicorn worker.

After loading the application, each worker imports what its pages use (every view, and the
statistics and chart libraries the report pages import on first use) and then freezes the
garbage collector's view of everything loaded so far (`gc.freeze`): those ~300,000 long-lived
objects are never scanned again. Without it, a full collection — which Python starts by itself
every so often while a report is being built — scanned them all and added ~180 ms to whichever
request it landed in (bench/RESULTS.md, "Pages").
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
application = get_wsgi_application()


def _load_and_freeze() -> None:
    from importlib import import_module

    from django.urls import get_resolver

    get_resolver().url_patterns  # imports every app's views  # noqa: B018
    for module in ("altair", "networkx", "pandas", "pingouin", "scipy.stats", "vl_convert"):
        import_module(module)
    gc.collect()
    gc.freeze()


if os.environ.get("TANDEM_GC_FREEZE", "1") == "1":
    _load_and_freeze()
