"""Hand-written statements for the hot paths (the public query, task completion, the audit chain).

A completion is a dozen small statements; through the ORM each costs ~0.3–0.5 ms of Python (query building,
compiling, model instances), through the cursor ~0.02 ms. The helpers below keep statements portable between SQLite
and PostgreSQL by letting Django's own field adapters prepare the values, so what is written is what the ORM would
have written (same datetime text on SQLite, same jsonb on PostgreSQL); statement texts are built once per vendor.

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

import json
from datetime import UTC, datetime

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils.dateparse import parse_datetime


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


_statements: dict[tuple[str, str], str] = {}


def statement(key: str, build) -> str:
    """A statement's text, built once per database vendor (quoting and lock clauses differ)."""
    cache_key = (connection.vendor, key)
    sql = _statements.get(cache_key)
    if sql is None:
        sql = _statements[cache_key] = build()
    return sql


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def for_update(alias: str) -> str:
    """Row lock clause: PostgreSQL locks the row; SQLite needs none (`BEGIN IMMEDIATE` holds the write lock)."""
    return f" FOR UPDATE OF {alias}" if connection.features.has_select_for_update_of else ""


def fetchone(sql: str, params=()) -> tuple | None:
    with cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()


def fetchall(sql: str, params=()) -> list[tuple]:
    with cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def execute(sql: str, params=()) -> int:
    """Run one statement; the number of rows it changed."""
    with cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def dt_in(value: datetime | None):
    return connection.ops.adapt_datetimefield_value(value)


def dt_out(value) -> datetime | None:
    """A datetime as the cursor hands it back (SQLite: naive UTC, maybe text; PostgreSQL: aware)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def json_in(value):
    return None if value is None else connection.ops.adapt_json_value(value, None)


def json_out(value):
    # Django has psycopg hand jsonb back as text (JSONField decodes it); SQLite stores text.
    return json.loads(value) if isinstance(value, str | bytes) else value


def from_db(model, values: dict):
    """A model instance from some of its columns (the others deferred, as `.only()` would leave them)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


def insert(objs: list, *, returning: bool = False) -> None:
    """INSERT model instances of one model in one statement, values prepared by their fields as `save` would.

    With `returning`, one statement per row (RETURNING's row order is not promised for multi-row inserts) and
    each instance gets its primary key."""
    if not objs:
        return
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: each attribute of the proxy is a thread-local look-up
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields] for obj in objs]
    with cursor() as cur:
        if not returning:
            prefix = statement(f"insert {model._meta.label}", lambda: _insert_prefix(db, model, fields))
            cur.execute(prefix + ", ".join([row] * len(rows)), [v for values in rows for v in values])
            return
        one = statement(f"insert returning {model._meta.label}", lambda: (
            f"{_insert_prefix(db, model, fields)}{row} RETURNING {db.ops.quote_name(model._meta.pk.column)}"))
        for obj, values in zip(objs, rows, strict=True):
            cur.execute(one, values)
            obj.pk = cur.fetchone()[0]
            obj._state.adding = False
            obj._state.db = db.alias


def _insert_prefix(db, model, fields) -> str:
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    return f"INSERT INTO {db.ops.quote_name(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608
