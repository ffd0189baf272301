"""Forms of the automation builder: the automation's settings and one form per step."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from marketing.models import MessageTemplate

from . import services_rules as services
from .models_rules import Reentry, StepKind


class JSONRulesField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 2})

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return []
        try:
            return json.loads(value)
        except ValueError:
            raise forms.ValidationError(_("Write the rules as JSON, for example %(ex)s.") % {"ex": EXAMPLE}) from None

    def prepare_value(self, value):
        if isinstance(value, list | dict):
            return json.dumps(value) if value else ""
        return value


EXAMPLE = '[{"field": "client.status", "op": "eq", "value": "lead"}]'


class AutomationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    trigger = forms.ChoiceField(label=_("When this happens"))
    conditions = JSONRulesField(
        label=_("Only for clients where"), required=False, help_text=_("All must hold. Example: %s") % EXAMPLE
    )
    goal_event = forms.ChoiceField(label=_("Goal: stop early when this happens"), required=False)
    exit_conditions = JSONRulesField(
        label=_("Exit when any of these holds"),
        required=False,
        help_text=_('Example: [{"field": "client.status", "op": "eq", "value": "former"}]'),
    )
    exit_events = forms.CharField(
        label=_("Exit on these events"), required=False, help_text=_("Event names, separated by commas.")
    )
    reentry = forms.ChoiceField(label=_("A client may enter"), choices=Reentry.choices)
    reentry_days = forms.IntegerField(label=_("Days between entries"), min_value=1, max_value=3650, initial=30)
    is_active = forms.BooleanField(label=_("On"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = services.trigger_choices()
        self.fields["trigger"].choices = choices
        self.fields["goal_event"].choices = [("", _("No goal"))] + [c for c in choices if c[0] != "date.birthday"]

    def clean_exit_events(self):
        return [e.strip() for e in self.cleaned_data["exit_events"].split(",") if e.strip()]


class StepForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    order = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, required=False)
    kind = forms.ChoiceField(label=_("Step"), choices=[("", _("Choose a step")), *StepKind.choices], required=False)
    template = forms.ModelChoiceField(label=_("Template"), queryset=MessageTemplate.objects.none(), required=False)
    config = JSONRulesField(
        label=_("Settings"),
        required=False,
        help_text=_(
            'Wait {"days": 2}; wait until {"weekdays": [1], "time": "09:00"}; task {"title": "Call {client}"}; '
            'tag {"tag": "vip"}; status {"status": "active"}; send {"category": "marketing"}.'
        ),
    )

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = MessageTemplate.objects.for_org(organization).filter(archived_at=None)
        self.fields["config"].widget.attrs["rows"] = 1

    def clean_config(self):
        value = self.cleaned_data["config"]
        if value and not isinstance(value, dict):
            raise forms.ValidationError(_('Settings are a JSON object, for example {"days": 2}.'))
        return value or {}


StepFormSet = forms.formset_factory(StepForm, extra=1, can_delete=True, max_num=50)
