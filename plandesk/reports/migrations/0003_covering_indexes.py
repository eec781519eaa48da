"""Covering indexes for the figures, measured on 1,000,000 cases (bench/reports.py, bench/README.md).

Each family of figures reads one index range and never the case rows (which carry the site geometry and the forms):
- receipt: (received_at, status, handling_office_id) — received, accepted, refused, per office;
- result: (ready_at, due_at, handling_office_id, received_at) — completed, on time, overdue, durations per item;
- open at the end of a period and past due: a partial index on the cases that are or were late (no result yet, or a
  result after the deadline), led by closed_at so that "still open now" (closed_at IS NULL) and "closed since the
  end" are two ranges of it. Cases done in time, the bulk of the history, are not in it at all;
- pauses overlapping a period: (ended_at, started_at, case_id).
Each ends with the case's id: the figures count ids and join the items by id, and a PostgreSQL index, unlike a
SQLite one, does not carry the row's key by itself (without it PostgreSQL read the table). They replace the
single-column indexes of 0002 on the same columns. Plain SQL, as in 0002: the tables belong to
other apps and their models stay as they are; SQLite and PostgreSQL read the same statements."""

from django.db import migrations

LATE = "ready_at IS NULL OR ready_at > due_at"  # stats repeats this condition so that both planners may use it

INDEXES = [
    ("reports_case_receipt", "cases_case", "received_at, status, handling_office_id, id", ""),
    ("reports_case_result", "cases_case", "ready_at, due_at, handling_office_id, received_at, id", ""),
    ("reports_case_late", "cases_case", "closed_at, due_at, ready_at, handling_office_id, id", LATE),
    ("reports_pause_span", "cases_casepause", "ended_at, started_at, case_id", ""),
]
REPLACED = [
    ("reports_case_received", "cases_case", "received_at"),
    ("reports_case_ready", "cases_case", "ready_at"),
    ("reports_case_closed", "cases_case", "closed_at"),
    ("reports_pause_ended", "cases_casepause", "ended_at"),
]


def _create(name: str, table: str, columns: str, where: str) -> str:
    return f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})" + (f" WHERE {where}" if where else "")


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_figure_indexes")]

    operations = [
        *(migrations.RunSQL(_create(*index), f"DROP INDEX IF EXISTS {index[0]}") for index in INDEXES),
        *(migrations.RunSQL(f"DROP INDEX IF EXISTS {name}", _create(name, table, columns, ""))
          for name, table, columns in REPLACED),
    ]
