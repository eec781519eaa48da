"""Seed the calendar from chinesecalendar (2004–2026 with version 1.11), so no installation starts without it."""

from django.db import migrations


def seed_calendar(apps, schema_editor):
    from plandesk.workdays.seed import seed

    seed(apps.get_model("workdays", "CalendarDay"), apps.get_model("workdays", "CalendarYear"),
         apps.get_model("workdays", "CalendarVersion"))


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed_calendar, migrations.RunPython.noop)]
