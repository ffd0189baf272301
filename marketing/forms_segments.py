"""The segment builder's form: name, description, match and the rules (JSON the page's
script writes as the coach edits rule rows)."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from .segments import MATCH_CHOICES


class SegmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), max_length=300, required=False, help_text=_("For your team: who this is and why.")
    )
    match = forms.ChoiceField(
        label=_("Clients must match"), choices=MATCH_CHOICES, initial="all", widget=forms.RadioSelect
    )
    rules = forms.CharField(widget=forms.HiddenInput, required=False, initial="[]")

    def clean_rules(self):
        raw = self.cleaned_data.get("rules") or "[]"
        try:
            rules = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("The rules could not be read; reload the page and try again."))
        if not isinstance(rules, list):
            raise forms.ValidationError(_("The rules could not be read; reload the page and try again."))
        return rules
