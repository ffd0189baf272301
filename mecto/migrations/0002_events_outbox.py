"""The events outbox moves from the automation app to the platform.

The tables are kept (renamed), so no event or delivery receipt is lost. The platform
knows no domain model, so the client an event is about becomes a plain id.
"""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mecto", "0001_initial"),
        ("automation", "0001_initial"),
        ("accounts", "0002_memberships_and_invitations"),
        ("clients", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Event",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(db_index=True, max_length=64, verbose_name="event")),
                        (
                            "payload",
                            models.JSONField(
                                default=dict,
                                encoder=django.core.serializers.json.DjangoJSONEncoder,
                                verbose_name="payload",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="happened")),
                        ("dispatched_at", models.DateTimeField(blank=True, null=True, verbose_name="handled")),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                        ("last_error", models.TextField(blank=True, verbose_name="last error")),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="actor",
                            ),
                        ),
                        (
                            "client",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="clients.client",
                                verbose_name="client",
                            ),
                        ),
                        (
                            "organization",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.organization",
                                verbose_name="organisation",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "event",
                        "verbose_name_plural": "events",
                        "ordering": ["-created_at", "-id"],
                        "db_table": "automation_event",
                        "indexes": [
                            models.Index(fields=["organization", "-created_at"], name="event_org_recent"),
                            models.Index(fields=["dispatched_at", "created_at"], name="event_pending"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="EventDelivery",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("handler", models.CharField(max_length=200, verbose_name="handler")),
                        ("delivered_at", models.DateTimeField(auto_now_add=True, verbose_name="delivered")),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliveries",
                                to="mecto.event",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "event delivery",
                        "verbose_name_plural": "event deliveries",
                        "db_table": "automation_eventdelivery",
                        "constraints": [
                            models.UniqueConstraint(fields=("event", "handler"), name="event_delivery_once"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        # Drop the database constraint to the clients table first, then forget the relation.
        migrations.AlterField(
            model_name="event",
            name="client",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="clients.client",
                verbose_name="client",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="event", name="client"),
                migrations.AddField(
                    model_name="event",
                    name="client_id",
                    field=models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name="client"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="event", table=None),
        migrations.AlterModelTable(name="eventdelivery", table=None),
    ]
