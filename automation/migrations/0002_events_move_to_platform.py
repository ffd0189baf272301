"""The events outbox is the platform's now (mecto.0002 keeps and renames the tables)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("automation", "0001_initial"),
        ("mecto", "0002_events_outbox"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="EventDelivery"),
                migrations.DeleteModel(name="Event"),
            ],
            database_operations=[],
        ),
    ]
