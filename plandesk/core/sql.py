"""Cursors for the hot paths' hand-written statements (the public query, task completion).

On PostgreSQL Django binds parameters on the client and prepares nothing (prepared statements would break a
transaction-mode pooler in front of the server), so the server parses and plans every statement again. For the
public query's join that was two thirds of its time (bench/README.md). A statement run through `cursor()` is bound
on the server instead, and psycopg prepares it on its `prepare_threshold`-th execution on a connection (5 unless the
database URL says otherwise; `?prepare_threshold=` left empty turns preparing off behind such a pooler). It is still
Django's cursor wrapper: errors are Django's, queries are logged and counted, execute wrappers apply. SQLite, and
PostgreSQL with preparing off, get Django's ordinary cursor.

Statements for it keep to what server-side binding accepts: no `IN %s` with a tuple, no parameter whose type the
server cannot infer from its context.
"""

from __future__ import annotations

from django.db import connection


def prepares() -> bool:
    options = connection.settings_dict["OPTIONS"]
    return connection.vendor == "postgresql" and options.get("prepare_threshold") is not None


def cursor():
    if not prepares():
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(ServerBindingCursor(connection.connection))
