"""Partial indexes for the light sweep, on the workflow's task table: each of the sweep's statements names one light
and a range of `due_at` or `warn_at` over open tasks, so a pass with nothing to do reads almost nothing.

They live here because the sweep is supervision's; the SQL is the same on SQLite and PostgreSQL."""

from django.db import migrations

INDEXES = [
    ("supervision_task_open_light_due", "light, due_at"),
    ("supervision_task_open_light_warn", "light, warn_at"),
]


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {name} ON workflow_task ({columns}) WHERE state = 'open'",
            f"DROP INDEX {name}",
        )
        for name, columns in INDEXES
    ]
