"""Indexes the figures need on tables of other apps: the case's receipt and result moments, a step's completion.

They are plain indexes (no model state) so that the owning apps' models stay as they are; both SQLite and
PostgreSQL understand CREATE INDEX IF NOT EXISTS."""

from django.db import migrations

INDEXES = [
    ("reports_case_received", "cases_case", "received_at"),
    ("reports_case_ready", "cases_case", "ready_at"),
    ("reports_case_closed", "cases_case", "closed_at"),
    ("reports_task_completed", "workflow_task", "state, completed_at"),
    ("reports_pause_ended", "cases_casepause", "ended_at"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("cases", "0001_initial"),
        ("workflow", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
                          f"DROP INDEX IF EXISTS {name}")
        for name, table, columns in INDEXES
    ]
