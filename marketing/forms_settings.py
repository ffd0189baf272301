"""The sending settings form: quiet hours, frequency caps, reply-to, the business's rate and
the failure share that pauses a campaign."""

from __future__ import annotations

from django import forms

from .models import SendingSettings
from .models.settings import max_rate_per_minute
from .services.settings import rate_too_high, validate_settings


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
