"""The business's marketing sending settings (quiet hours, frequency cap)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from mecto.errors import DomainError

from ..models import SendingSettings

FIELDS = (
    "quiet_start",
    "quiet_end",
    "email_cap",
    "sms_cap",
    "reply_to",
    "rate_per_minute",
    "pause_failure_percent",
)


class SettingsError(DomainError):
    pass


def sending_settings(*, organization) -> SendingSettings:
    """The business's row, created with the defaults on first access."""
    row = SendingSettings.objects.filter(organization=organization).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return SendingSettings.objects.create(organization=organization)
    except IntegrityError:
        return SendingSettings.objects.get(organization=organization)


@transaction.atomic
def update_sending_settings(*, organization, actor=None, **changes) -> SendingSettings:
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise SettingsError(f"Unknown settings: {', '.join(sorted(unknown))}")
    row = sending_settings(organization=organization)
    for name, value in changes.items():
        setattr(row, name, value)
    # Only the changed fields: the engine's log of recent batches is written beside this.
    row.save(update_fields=[*changes, "updated_at"])
    return row
