"""Stop early, with the fix, when this Python cannot load SQLite extensions (SpatiaLite needs them)."""

import sqlite3
import sys

if not hasattr(sqlite3.Connection, "enable_load_extension"):
    sys.exit(
        f"{sys.executable} is built without sqlite3 extension loading, which SpatiaLite needs.\n"
        "Fix: build the virtualenv from Debian's Python: `rm -rf .venv && make run`"
        " (the Makefile uses /usr/bin/python3),\n"
        "or install it with `apt-get install python3 python3-venv`."
    )
if sys.version_info[:2] != (3, 11):
    print(f"warning: plandesk is tested on Python 3.11; this is {sys.version.split()[0]}", file=sys.stderr)
