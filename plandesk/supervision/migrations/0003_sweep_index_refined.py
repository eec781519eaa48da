"""The sweep's warn-time index leaves red tasks out: every statement about red tasks then has only the due-time index
to choose, and PostgreSQL's planner (which cannot know that red tasks all have their yellow time behind them) no
longer walks every red task. On PostgreSQL the task table is also vacuumed and analysed after 1 % of it changed
instead of 20 %: each day's recolouring leaves dead index entries that a steady pass would otherwise read."""

from django.db import migrations

OLD = "CREATE INDEX supervision_task_open_light_warn ON workflow_task (light, warn_at) WHERE state = 'open'"
NEW = ("CREATE INDEX supervision_task_open_light_warn ON workflow_task (light, warn_at)"
       " WHERE state = 'open' AND light <> 'red'")


def tune_autovacuum(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE workflow_task SET (autovacuum_vacuum_scale_factor = 0.01,"
                              " autovacuum_analyze_scale_factor = 0.01)")


def reset_autovacuum(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE workflow_task RESET (autovacuum_vacuum_scale_factor,"
                              " autovacuum_analyze_scale_factor)")


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_sweep_indexes")]

    operations = [
        migrations.RunSQL("DROP INDEX supervision_task_open_light_warn", OLD),
        migrations.RunSQL(NEW, "DROP INDEX supervision_task_open_light_warn"),
        migrations.RunPython(tune_autovacuum, reset_autovacuum),
    ]
