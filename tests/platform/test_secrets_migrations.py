"""Upgrading a database whose link tokens and two-factor secrets are in plain text: tokens
become hashes (or encrypted where the coach sees them again), secrets are encrypted, every
link and authenticator that worked before still works, and the step can be undone (the
hashed intake-request tokens excepted: their links stop working)."""

import hashlib
import secrets
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.db import connection

from mecto import crypto
from tests.migration_helpers import empty_database, migrate, migrate_to_latest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine]

BEFORE = [
    ("accounts", "0003_invitation_team_only"),
    ("clients", "0014_portal_invitations"),
    ("booking", "0008_reminders_move_to_the_message_log"),
    ("mfa", "0003_authenticator_type_uniq"),
]
AFTER = [
    ("accounts", "0004_two_factor_secrets_encrypted"),
    ("clients", "0015_intake_link_tokens_at_rest"),
    ("booking", "0009_calendar_feed_token_encrypted"),
]


_migrate, _latest = migrate, migrate_to_latest


@pytest.fixture
def old_schema():
    with empty_database():
        yield _migrate(BEFORE)


def _raw(sql: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def test_upgrade_hashes_or_encrypts_tokens_and_secrets_and_old_links_keep_working(old_schema, client):
    apps = old_schema
    org = apps.get_model("accounts", "Organization").objects.create(name="Peak", slug="peak", time_zone="UTC")
    coach = apps.get_model("accounts", "User").objects.create(email="coach@example.com", password="!")
    sam = apps.get_model("clients", "Client").objects.create(organization=org, first_name="Sam", email="sam@x.test")
    form = apps.get_model("clients", "IntakeForm").objects.create(organization=org, name="Intake")
    request = apps.get_model("clients", "IntakeRequest").objects.create(organization=org, form=form, client=sam)
    waiting = apps.get_model("mecto", "OutboundMessage").objects.create(
        organization=org,
        channel="email",
        topic="intake",
        to_address="sam@x.test",
        composer="clients.intake_request",
        context={"request_id": request.pk},
        idempotency_key=f"intake-request:{request.pk}",
    )
    feed_token = secrets.token_urlsafe(32)
    profile = apps.get_model("booking", "CoachProfile").objects.create(
        organization=org, user=coach, slug="coach", feed_token=feed_token
    )
    totp_secret = generate_totp_secret()
    HistoricalAuthenticator = apps.get_model("mfa", "Authenticator")
    totp = HistoricalAuthenticator.objects.create(user_id=coach.pk, type="totp", data={"secret": totp_secret})
    seed = secrets.token_hex(40)
    HistoricalAuthenticator.objects.create(user_id=coach.pk, type="recovery_codes", data={"seed": seed, "used_mask": 0})
    public_token, request_token = form.public_token, request.token

    apps = _migrate(AFTER)
    stored_token, stored_hash = _raw("SELECT public_token, public_token_hash FROM clients_intakeform")
    assert stored_token != public_token and crypto.decrypt(stored_token) == public_token
    assert stored_hash == _sha(public_token)
    assert apps.get_model("clients", "IntakeRequest").objects.values_list("token_hash", flat=True).get() == _sha(
        request_token
    )
    message = apps.get_model("mecto", "OutboundMessage").objects.get(pk=waiting.pk)
    assert message.context["url"].endswith(f"/intake/r/{request_token}/")
    stored_token, stored_hash = _raw("SELECT feed_token, feed_token_hash FROM booking_coachprofile")
    assert stored_token != feed_token and crypto.decrypt(stored_token) == feed_token
    assert stored_hash == _sha(feed_token)
    data = {a.type: a.data for a in apps.get_model("mfa", "Authenticator").objects.all()}
    assert crypto.decrypt(data["totp"]["secret"]) == totp_secret
    assert crypto.decrypt(data["recovery_codes"]["seed"]) == seed

    _latest()
    assert client.get(f"/intake/{public_token}/").status_code == 200
    assert client.get(f"/intake/r/{request_token}/").status_code == 200
    assert client.get(f"/booking/feed/{feed_token}.ics").status_code == 200
    code = format_hotp_value(hotp_value(totp_secret, int(time.time()) // 30))
    assert TOTP(Authenticator.objects.get(pk=totp.pk)).validate_code(code)

    apps = _migrate(BEFORE)
    assert apps.get_model("clients", "IntakeForm").objects.get(pk=form.pk).public_token == public_token
    assert apps.get_model("booking", "CoachProfile").objects.get(pk=profile.pk).feed_token == feed_token
    data = {a.type: a.data for a in apps.get_model("mfa", "Authenticator").objects.all()}
    assert data["totp"]["secret"] == totp_secret and data["recovery_codes"]["seed"] == seed
    # Only a hash was kept: the request gets a new token and its old link no longer works.
    restored = apps.get_model("clients", "IntakeRequest").objects.get(pk=request.pk).token
    assert restored and restored != request_token
