"""Encrypt the two-factor secrets stored in plain text: the TOTP key and the recovery-code
seed (and codes migrated from elsewhere), with the keys of FIELD_ENCRYPTION_KEYS.

Reversible: going back decrypts them. Rows already encrypted are left as they are, so running
it twice changes nothing."""

from django.db import migrations

from mecto import crypto

SECRET_KEYS = ("secret", "seed")
SECRET_LISTS = ("migrated_codes",)


def _is_encrypted(value: str) -> bool:
    try:
        crypto.decrypt(value)
    except crypto.DecryptionError:
        return False
    return True


def _convert(apps, change):
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.all().iterator():
        data = dict(authenticator.data or {})
        for key in SECRET_KEYS:
            if data.get(key):
                data[key] = change(data[key])
        for key in SECRET_LISTS:
            if data.get(key):
                data[key] = [change(value) for value in data[key]]
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


def encrypt_secrets(apps, schema_editor):
    _convert(apps, lambda value: value if _is_encrypted(value) else crypto.encrypt(value))


def decrypt_secrets(apps, schema_editor):
    _convert(apps, lambda value: crypto.decrypt(value) if _is_encrypted(value) else value)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_invitation_team_only"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
