"""On PostgreSQL the sweep's warn-time index leaves red tasks out: every statement about red tasks then has only the
due-time index to choose, and the planner (which cannot know that red tasks all have their yellow time behind them)
no longer walks every red task. The task table is also vacuumed and analysed there after 1 % of it changed instead
of 20 %: each day's recolouring leaves dead index entries that a steady pass would otherwise read.

SQLite keeps the index of 0002: its planner uses a partial index only when the query repeats the index's condition,
and the sweep keeps it off `warn_at` for red tasks by writing that column as `+warn_at` (services.sweep_lights)."""

from django.db import migrations

FULL = "CREATE INDEX supervision_task_open_light_warn ON workflow_task (light, warn_at) WHERE state = 'open'"
NOT_RED = ("CREATE INDEX supervision_task_open_light_warn ON workflow_task (light, warn_at)"
           " WHERE state = 'open' AND light <> 'red'")


def refine(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX supervision_task_open_light_warn")
        schema_editor.execute(NOT_RED)
        schema_editor.execute("ALTER TABLE workflow_task SET (autovacuum_vacuum_scale_factor = 0.01,"
                              " autovacuum_analyze_scale_factor = 0.01)")


def undo(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX supervision_task_open_light_warn")
        schema_editor.execute(FULL)
        schema_editor.execute("ALTER TABLE workflow_task RESET (autovacuum_vacuum_scale_factor,"
                              " autovacuum_analyze_scale_factor)")


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_sweep_indexes")]

    operations = [migrations.RunPython(refine, undo)]
