"""Upgrading a database whose portal invitations still sit in accounts' invitation table:
each one moves to clients with its id, token and dates, team invitations stay, and the
step can be undone."""

import datetime

import pytest
from django.utils import timezone

from tests.migration_helpers import empty_database, migrate

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("accounts", "0002_memberships_and_invitations"),
    ("clients", "0013_consent_and_message_emails_move_to_comms"),
]
AFTER = [("accounts", "0003_invitation_team_only"), ("clients", "0014_portal_invitations")]


_migrate = migrate


@pytest.fixture
def old_schema():
    """The two apps as they were before the move, in an empty database of the test's own."""
    with empty_database():
        yield _migrate(BEFORE)


def test_upgrade_moves_portal_invitations_and_keeps_team_ones(old_schema):
    apps = old_schema
    Organization = apps.get_model("accounts", "Organization")
    User = apps.get_model("accounts", "User")
    Invitation = apps.get_model("accounts", "Invitation")
    Client = apps.get_model("clients", "Client")
    org = Organization.objects.create(name="Peak", slug="peak")
    owner = User.objects.create(email="owner@example.com", password="!")
    chloe = Client.objects.create(organization=org, first_name="Chloe", email="chloe@example.com")
    now = timezone.now()
    week = now + datetime.timedelta(days=7)

    def invitation(email, role, client=None, **dates):
        return Invitation.objects.create(
            organization=org,
            email=email,
            role=role,
            client=client,
            token_hash=f"{Invitation.objects.count():064d}",
            invited_by=owner,
            expires_at=week,
            **dates,
        )

    coach = invitation("coach@example.com", "coach")
    revoked = invitation("chloe@example.com", "client", chloe, revoked_at=now)
    pending = invitation("chloe@example.com", "client", chloe)
    stray = invitation("nobody@example.com", "client")  # a "client" invitation edited free of its client

    apps = _migrate(AFTER)
    Invitation = apps.get_model("accounts", "Invitation")
    PortalInvitation = apps.get_model("clients", "PortalInvitation")
    moved = {row.pk: row for row in PortalInvitation.objects.all()}
    assert set(moved) == {revoked.pk, pending.pk}
    assert moved[pending.pk].token_hash == pending.token_hash and moved[pending.pk].client_id == chloe.pk
    assert moved[pending.pk].invited_by_id == owner.pk and moved[pending.pk].expires_at == week
    assert moved[pending.pk].created_at == pending.created_at  # still the day it was sent
    assert moved[pending.pk].revoked_at is None and moved[revoked.pk].revoked_at == now
    assert set(Invitation.objects.values_list("pk", flat=True)) == {coach.pk, stray.pk}
    assert Invitation.objects.get(pk=coach.pk).revoked_at is None
    assert Invitation.objects.get(pk=stray.pk).revoked_at is not None  # can never make a "client" member
    newer = PortalInvitation.objects.create(
        organization_id=org.pk, email="chloe@example.com", client_id=chloe.pk, token_hash="f" * 64, expires_at=week
    )
    assert newer.pk > max(moved)  # the id sequence continues after the moved rows

    apps = _migrate(BEFORE)
    Invitation = apps.get_model("accounts", "Invitation")
    back = Invitation.objects.filter(role="client", client__isnull=False)
    assert sorted(back.values_list("token_hash", flat=True)) == sorted(
        [revoked.token_hash, pending.token_hash, "f" * 64]
    )
