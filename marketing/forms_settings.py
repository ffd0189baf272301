"""The sending settings form: quiet hours, frequency caps, reply-to, the business's rate and
the failure share that pauses a campaign."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SendingSettings
from .models.settings import max_rate_per_minute

QUIET_EQUAL = _("Quiet hours must start and end at different times.")


def validate_settings(data: dict) -> dict[str, list[str]]:
    """Checks beyond each field's own (the form and the API share them): field → messages."""
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


class SendingSettingsForm(forms.ModelForm):
    class Meta:
        model = SendingSettings
        fields = [
            "quiet_start",
            "quiet_end",
            "email_cap",
            "sms_cap",
            "reply_to",
            "rate_per_minute",
            "pause_failure_percent",
        ]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rate_per_minute"].widget.attrs.update(min=1, max=max_rate_per_minute())
        self.fields["rate_per_minute"].error_messages["max_value"] = rate_too_high()
        self.fields["pause_failure_percent"].widget.attrs.update(min=1, max=50)

    def clean(self):
        data = super().clean()
        for field, messages in validate_settings(data).items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return data
