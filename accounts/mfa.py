"""Two-factor secrets at rest: the TOTP key and the recovery-code seed are encrypted with the
keys of FIELD_ENCRYPTION_KEYS (allauth calls the adapter's encrypt/decrypt hooks)."""

from allauth.mfa.adapter import DefaultMFAAdapter
from django.db import transaction

from mecto import crypto

# The values allauth passes through encrypt() in an authenticator's data.
SECRET_KEYS = ("secret", "seed")
SECRET_LISTS = ("migrated_codes",)


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)


def rotate_mfa_secrets() -> int:
    """Re-encrypt every authenticator's secrets with the newest key; returns how many."""
    from allauth.mfa.models import Authenticator

    count = 0
    for pk in Authenticator.objects.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            authenticator = Authenticator.objects.select_for_update().get(pk=pk)
            data = dict(authenticator.data)
            for key in SECRET_KEYS:
                if data.get(key):
                    data[key] = crypto.rotate(data[key])
            for key in SECRET_LISTS:
                if data.get(key):
                    data[key] = [crypto.rotate(value) for value in data[key]]
            Authenticator.objects.filter(pk=pk).update(data=data)
            count += 1
    return count
