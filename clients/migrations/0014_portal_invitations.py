# Portal invitations move from accounts.Invitation (rows with a client) to their own table
# in this app, keeping ids, token hashes and dates: links already emailed keep working.
# `run_before` puts the copy ahead of accounts 0003, which drops the client column.

import django.db.models.deletion
from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations, models
from django.utils import timezone

# Columns both tables have, under the same names.
COLUMNS = [
    "organization_id",
    "email",
    "token_hash",
    "invited_by_id",
    "created_at",
    "expires_at",
    "accepted_at",
    "accepted_by_id",
    "revoked_at",
    "client_id",
]


def _insert_select(schema_editor, *, into, columns, values, source):
    """One INSERT … SELECT of the rows with a client: they keep every value (a model save
    would stamp `created_at` anew), and the statement runs on PostgreSQL and SQLite alike."""
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"INSERT INTO {quote(into._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"SELECT {', '.join(values)} FROM {quote(source._meta.db_table)} WHERE {quote('client_id')} IS NOT NULL"
    )


def move_portal_invitations(apps, schema_editor):
    Invitation = apps.get_model("accounts", "Invitation")
    PortalInvitation = apps.get_model("clients", "PortalInvitation")
    connection = schema_editor.connection
    columns = ["id", *COLUMNS]
    values = [schema_editor.quote_name(c) for c in columns]
    _insert_select(schema_editor, into=PortalInvitation, columns=columns, values=values, source=Invitation)
    # Ids were copied: move PostgreSQL's sequence past them (SQLite follows by itself).
    for statement in connection.ops.sequence_reset_sql(no_style(), [PortalInvitation]):
        schema_editor.execute(statement)
    Invitation.objects.using(connection.alias).filter(client__isnull=False).delete()
    # A "client" invitation without a client (only reachable by editing it in the back office)
    # could never be accepted; now among team invitations, it must never make a membership.
    Invitation.objects.using(connection.alias).filter(
        role="client", accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def return_portal_invitations(apps, schema_editor):
    """Back into accounts' table as role "client". New ids: the two tables have counted separately."""
    Invitation = apps.get_model("accounts", "Invitation")
    PortalInvitation = apps.get_model("clients", "PortalInvitation")
    values = ["'client'", *(schema_editor.quote_name(c) for c in COLUMNS)]
    _insert_select(schema_editor, into=Invitation, columns=["role", *COLUMNS], values=values, source=PortalInvitation)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_memberships_and_invitations"),
        ("clients", "0013_consent_and_message_emails_move_to_comms"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    run_before = [
        ("accounts", "0003_invitation_team_only"),
    ]

    operations = [
        migrations.CreateModel(
            name="PortalInvitation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("email", models.EmailField(max_length=254, verbose_name="email")),
                ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="sent")),
                ("expires_at", models.DateTimeField(verbose_name="expires")),
                ("accepted_at", models.DateTimeField(blank=True, null=True, verbose_name="accepted")),
                ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked")),
                (
                    "accepted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="accepted by",
                    ),
                ),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="invitations",
                        to="clients.client",
                        verbose_name="client",
                    ),
                ),
                (
                    "invited_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="invited by",
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
                "verbose_name": "portal invitation",
                "verbose_name_plural": "portal invitations",
                "ordering": ["-created_at"],
            },
        ),
        migrations.RunPython(move_portal_invitations, return_portal_invitations),
    ]
