"""The campaign form: what to send, to whom, and when (on the business's clock)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mecto.comms.models import Channel

from .models import Campaign, MessageTemplate, Segment

WHEN = [("draft", _("Save as a draft")), ("now", _("Send now")), ("later", _("Send later"))]


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    segment = forms.ModelChoiceField(label=_("Send to segment"), queryset=Segment.objects.none(), required=False)
    email_template = forms.ModelChoiceField(
        label=_("Email template"), queryset=MessageTemplate.objects.none(), required=False
    )
    sms_template = forms.ModelChoiceField(
        label=_("Text message template"), queryset=MessageTemplate.objects.none(), required=False
    )
    rate_per_minute = forms.IntegerField(
        label=_("Messages per minute"),
        min_value=1,
        max_value=100_000,
        initial=Campaign._meta.get_field("rate_per_minute").default,
        help_text=_("Sending is spread out to stay within this rate."),
    )
    when = forms.ChoiceField(label=_("When"), choices=WHEN, initial="draft", widget=forms.RadioSelect)
    send_date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    send_time = forms.TimeField(label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, organization, time_zone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        templates = MessageTemplate.objects.for_org(organization).filter(archived_at__isnull=True)
        self.fields["segment"].queryset = Segment.objects.for_org(organization)
        self.fields["email_template"].queryset = templates.filter(channel=Channel.EMAIL)
        self.fields["sms_template"].queryset = templates.filter(channel=Channel.SMS)
        if time_zone:
            self.fields["send_time"].help_text = _("On the business's clock (%(zone)s).") % {"zone": time_zone}

    def clean(self):
        data = super().clean()
        if data.get("when") == "later":
            if not data.get("send_date"):
                self.add_error("send_date", _("Choose the date to send on."))
            if not data.get("send_time"):
                self.add_error("send_time", _("Choose the time to send at."))
        return data

    def campaign_fields(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in ("name", "segment", "email_template", "sms_template", "rate_per_minute")
        }
