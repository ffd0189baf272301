"""The business's marketing sending settings (quiet hours, frequency cap)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from mecto.errors import DomainError

from ..models import SendingSettings
from ..models.settings import max_rate_per_minute

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


QUIET_EQUAL = _("Quiet hours must start and end at different times.")


def validate_settings(data: dict) -> dict[str, list[str]]:
    """Checks beyond each field's own (the page, the API and `update_sending_settings` share them): field → messages."""
    errors: dict[str, list[str]] = {}
    start, end = data.get("quiet_start"), data.get("quiet_end")
    if start is not None and end is not None and start == end:
        errors["quiet_end"] = [str(QUIET_EQUAL)]
    rate = data.get("rate_per_minute")
    if rate is not None and rate > max_rate_per_minute():
        errors["rate_per_minute"] = [rate_too_high()]
    return errors


def rate_too_high() -> str:
    return str(_("At most %(max)s messages per minute (the provider's limit).") % {"max": max_rate_per_minute()})


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
    merged = {name: getattr(row, name) for name in ("quiet_start", "quiet_end")} | changes
    errors = validate_settings(merged)  # the page and the API check first; other callers too
    if errors:
        field, messages = next(iter(errors.items()))
        raise SettingsError(messages[0], field=field)
    for name, value in changes.items():
        setattr(row, name, value)
    # Only the changed fields: the engine's log of recent batches is written beside this.
    row.save(update_fields=[*changes, "updated_at"])
    return row
