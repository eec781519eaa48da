from django.db import migrations
from django.db.models import Max


def carry_counts(apps, schema_editor):
    """Refusal notices were numbered by the year's highest sequence; core's counter goes on from there."""
    Counter = apps.get_model("core", "Counter")
    notices = apps.get_model("window", "RefusalNotice").objects.values("year").annotate(last=Max("sequence"))
    for row in notices:
        counter, _created = Counter.objects.get_or_create(scope=f"window.refusal:{row['year']}")
        if counter.last < (row["last"] or 0):
            Counter.objects.filter(pk=counter.pk).update(last=row["last"])


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
        ("window", "0002_refusal_before_registration"),
    ]

    operations = [
        migrations.RunPython(carry_counts, migrations.RunPython.noop),
    ]
