"""The template editor's form: the text fields, and the blocks as JSON the editor writes
(validated on the server by the sandbox, like the API)."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from mecto.comms.models import Channel

from . import drafting


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("Only you see it, in lists."))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, widget=forms.RadioSelect)
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    preheader = forms.CharField(
        label=_("Preheader"),
        max_length=200,
        required=False,
        help_text=_("The line most inboxes show after the subject."),
    )
    blocks = forms.CharField(
        label=_("Body blocks (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "mono", "data-blocks-json": "1"}),
        help_text=_("The editor writes this for you."),
    )
    sms_body = forms.CharField(
        label=_("Text message"),
        max_length=1600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "data-sms-input": "1"}),
    )

    def clean_blocks(self):
        raw = (self.cleaned_data.get("blocks") or "").strip()
        if not raw:
            return []
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("The body could not be read: reload the page and try again.")) from None
        if not isinstance(value, list):
            raise forms.ValidationError(_("The body must be a list of blocks."))
        return value


class DraftForm(forms.Form):
    goal = forms.ChoiceField(label=_("Goal of the message"), choices=list(drafting.GOALS.items()))
    note = forms.CharField(
        label=_("Details (optional)"),
        max_length=drafting.MAX_NOTE,
        required=False,
        help_text=_("The offer, or the goal in your own words."),
    )
    use_provider = forms.BooleanField(
        label=_("Use the language model (counts towards your monthly quota)"), required=False
    )


class TestSendForm(forms.Form):
    phone = forms.CharField(label=_("Your mobile number"), max_length=32, required=False)
