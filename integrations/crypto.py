"""Where connected-account tokens' field class lived: migration 0001 names it here."""

from mecto.crypto import EncryptedTextField

__all__ = ["EncryptedTextField"]
