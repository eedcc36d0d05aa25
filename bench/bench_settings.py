"""Experiments only (bench/respondents_load.py --conn-max-age N / --sqlite-synchronous MODE):
Tandem's own settings with one database option changed, to measure what it is worth.
Not for production use.
"""

import os

from tandem.settings import *  # noqa: F403
from tandem.settings import DATABASES

_database = DATABASES["default"]
if os.environ.get("BENCH_CONN_MAX_AGE"):
    _database["CONN_MAX_AGE"] = int(os.environ["BENCH_CONN_MAX_AGE"])
if os.environ.get("BENCH_SQLITE_SYNCHRONOUS") and _database["ENGINE"].endswith("sqlite3"):
    _database["OPTIONS"]["init_command"] = (
        f"PRAGMA journal_mode=WAL; PRAGMA synchronous={os.environ['BENCH_SQLITE_SYNCHRONOUS']};"
    )
