from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def encryption_keys_configured(app_configs, **kwargs):
    """Production keeps secrets (OAuth tokens, two-factor keys, link tokens) under real keys,
    never ones derived from SECRET_KEY."""
    if settings.FIELD_ENCRYPTION_KEYS:
        return []
    return [
        Error(
            "FIELD_ENCRYPTION_KEYS is empty: connected-account tokens, two-factor secrets and link tokens "
            "would be encrypted with a key derived from SECRET_KEY.",
            hint="Set FIELD_ENCRYPTION_KEYS to one or more Fernet keys (newest first).",
            id="integrations.E001",
        )
    ]
