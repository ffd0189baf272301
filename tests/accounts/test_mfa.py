"""Two-factor secrets at rest: the TOTP key and the recovery-code seed are stored encrypted
with FIELD_ENCRYPTION_KEYS, keep working, and follow a key rotation."""

import io
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from mecto import crypto
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db


def _stored_data(authenticator) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [authenticator.pk])
        return cursor.fetchone()[0]


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_totp_key_and_recovery_seed_are_stored_encrypted_and_still_log_in(client):
    user = MembershipFactory().user
    secret = generate_totp_secret()
    totp = TOTP.activate(user, secret)
    recovery = RecoveryCodes.activate(user)
    codes = recovery.get_unused_codes()
    stored_totp, stored_recovery = _stored_data(totp.instance), _stored_data(recovery.instance)
    assert secret not in stored_totp
    assert crypto.decrypt(Authenticator.objects.get(pk=totp.instance.pk).data["secret"]) == secret
    seed = crypto.decrypt(Authenticator.objects.get(pk=recovery.instance.pk).data["seed"])
    assert seed not in stored_recovery
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": _code(secret)}).status_code == 302
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302


def test_rotating_keys_re_encrypts_two_factor_secrets(client, settings):
    user = MembershipFactory().user
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "accounts.mfa.rotate_mfa_secrets: 2 rows re-encrypted." in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can now go
    totp = TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))
    assert totp.validate_code(_code(secret))
    recovery = RecoveryCodes(Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES))
    assert recovery.get_unused_codes() == codes
