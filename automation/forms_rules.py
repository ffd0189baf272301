"""Forms of the automation builder: the automation's settings, rows of rules (field, operator,
value) and one form per step showing only its kind's settings. Each form turns its plain
fields into the API's JSON shape and validates it with the same service the API uses."""

from __future__ import annotations

import copy
import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.selectors import team_members
from clients.models import Client
from clients.selectors import tags as client_tags
from marketing.models import MessageTemplate
from mecto.comms.models import Category, Channel
from training.models import Program
from training.selectors import program_list

from . import services_rules as services
from .errors_rules import AutomationError
from .models_rules import BIRTHDAY_TRIGGER, Reentry, StepKind

# --- Rules ----------------------------------------------------------------------------------------------
OTHER_EVENT_FIELD = "event"
# (rule field, label, kind of value): the kind picks the value input (a select, a number, a date, text).
RULE_FIELDS = [
    ("client.status", _("Client: status"), "status"),
    ("client.tags", _("Client: tags"), "tag"),
    ("client.coach", _("Client: coach"), "coach"),
    ("client.source", _("Client: source"), "source"),
    ("client.email", _("Client: email"), "text"),
    ("client.phone", _("Client: phone"), "text"),
    ("client.email_consent", _("Client: email marketing consent"), "bool"),
    ("client.sms_consent", _("Client: SMS marketing consent"), "bool"),
    ("client.time_zone", _("Client: time zone"), "text"),
    ("event.days", _("Event: number of days"), "number"),
    ("event.date", _("Event: date"), "date"),
    (OTHER_EVENT_FIELD, _("Event: another field…"), "text"),
]
FIELD_KINDS = {key: kind for key, _label, kind in RULE_FIELDS}
OPERATORS = [
    ("eq", _("is")),
    ("ne", _("is not")),
    ("in", _("is one of (commas between)")),
    ("not_in", _("is none of (commas between)")),
    ("contains", _("contains")),
    ("not_contains", _("does not contain")),
    ("gt", _("is more than")),
    ("lt", _("is less than")),
    ("exists", _("is set")),
    ("not_exists", _("is not set")),
]


def value_widgets(organization) -> dict[str, forms.Widget]:
    """The value input of each kind of field: selects of this business's tags and coaches."""
    members = team_members(organization=organization)
    yes_no = [("true", _("Yes")), ("false", _("No"))]
    return {
        "status": forms.Select(choices=[("", _("Choose a status")), *Client.Status.choices]),
        "tag": forms.Select(
            choices=[("", _("Choose a tag"))] + [(t.name, t.name) for t in client_tags(organization=organization)]
        ),
        "coach": forms.Select(choices=[("", _("Choose a coach"))] + [(m.user_id, str(m.user)) for m in members]),
        "source": forms.Select(choices=[("", _("Choose a source")), *Client.Source.choices]),
        "bool": forms.Select(choices=yes_no),
        "number": forms.NumberInput(attrs={"step": "any"}),
        "date": forms.DateInput(attrs={"type": "date"}),
        "text": forms.TextInput(),
    }


class RuleForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), choices=[("", _("Choose a field"))] + [r[:2] for r in RULE_FIELDS])
    event_key = forms.CharField(
        label=_("Event field name"),
        required=False,
        max_length=80,
        help_text=_("A key of the event's data, e.g. service_type or booking.service."),
    )
    op = forms.ChoiceField(label=_("Operator"), choices=OPERATORS, initial="eq")
    value = forms.CharField(label=_("Value"), required=False, max_length=500)

    def __init__(self, *args, widgets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].required = False  # an untouched extra row is left out
        field = self.data.get(self.add_prefix("field")) if self.is_bound else self.initial.get("field")
        op = self.data.get(self.add_prefix("op")) if self.is_bound else self.initial.get("op")
        self.value_kind = FIELD_KINDS.get(field or "", "text")
        # A list ("is one of") is typed with commas, whatever the field.
        shown = "text" if op in ("in", "not_in") else self.value_kind
        if widgets:
            self.fields["value"].widget = copy.deepcopy(widgets[shown])
        self.event_key_hidden = field != OTHER_EVENT_FIELD

    @staticmethod
    def initial_for(rule: dict) -> dict:
        field = str(rule.get("field", ""))
        value = rule.get("value")
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif value is None:
            value = ""
        initial = {"field": field, "op": rule.get("op", "eq"), "value": str(value)}
        if field not in FIELD_KINDS:
            initial.update(field=OTHER_EVENT_FIELD, event_key=field.partition(".")[2])
        return initial

    def _one(self, raw: str, kind: str):
        raw = raw.strip()
        if kind == "number":
            try:
                number = float(raw)
            except ValueError:
                raise forms.ValidationError(_("Enter a number.")) from None
            return int(number) if number.is_integer() else number
        if kind == "bool":
            if raw not in ("true", "false"):
                raise forms.ValidationError(_("Choose yes or no."))
            return raw == "true"
        if kind == "coach":
            if not raw.isdigit():
                raise forms.ValidationError(_("Choose a coach."))
            return int(raw)
        if kind == "date":
            try:
                return datetime.date.fromisoformat(raw).isoformat()
            except ValueError:
                raise forms.ValidationError(_("Enter a date.")) from None
        return raw

    def clean(self):
        data = super().clean()
        field = data.get("field")
        if not field:
            if (data.get("value") or "").strip():
                self.add_error("field", _("Choose a field."))
            return data
        if field == OTHER_EVENT_FIELD:
            key = (data.get("event_key") or "").strip()
            if not key or not all(part.replace("_", "").isalnum() for part in key.split(".")):
                self.add_error("event_key", _("Name the event field (letters, digits, _ and .)."))
                return data
            field = f"event.{key}"
        op = data.get("op") or "eq"
        rule = {"field": field, "op": op}
        if op not in ("exists", "not_exists"):
            raw = data.get("value") or ""
            if not raw.strip():
                self.add_error("value", _("Give a value."))
                return data
            try:
                if op in ("in", "not_in"):
                    rule["value"] = [self._one(v, self.value_kind) for v in raw.split(",") if v.strip()]
                else:
                    rule["value"] = self._one(raw, self.value_kind)
            except forms.ValidationError as exc:
                self.add_error("value", exc)
                return data
        data["rule"] = rule
        return data


class BaseRuleFormSet(forms.BaseFormSet):
    def rules(self) -> list[dict]:
        return [
            f.cleaned_data["rule"]
            for f in self.forms
            if f.cleaned_data.get("rule") and not f.cleaned_data.get("DELETE")
        ]


RuleFormSet = forms.formset_factory(
    RuleForm, formset=BaseRuleFormSet, extra=1, can_delete=True, max_num=20, validate_max=True
)


def rule_formset(data, *, rules, prefix: str, widgets):
    initial = [RuleForm.initial_for(r) for r in rules or [] if isinstance(r, dict)]
    return RuleFormSet(data, initial=initial, prefix=prefix, form_kwargs={"widgets": widgets})


# --- The automation -------------------------------------------------------------------------------------
class AutomationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    trigger = forms.ChoiceField(label=_("When this happens"))
    goal_event = forms.ChoiceField(label=_("Goal: stop early when this happens"), required=False)
    exit_events = forms.MultipleChoiceField(
        label=_("Exit when one of these happens"), required=False, widget=forms.CheckboxSelectMultiple
    )
    reentry = forms.ChoiceField(label=_("A client may enter"), choices=Reentry.choices)
    reentry_days = forms.IntegerField(label=_("Days between entries"), min_value=1, max_value=3650, initial=30)
    is_active = forms.BooleanField(label=_("On"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = services.trigger_choices()
        events = [c for c in choices if c[0] != BIRTHDAY_TRIGGER]
        self.fields["trigger"].choices = choices
        self.fields["goal_event"].choices = [("", _("No goal"))] + events
        self.fields["exit_events"].choices = events


# --- Steps ----------------------------------------------------------------------------------------------
WEEKDAYS = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
    (7, _("Sunday")),
]
UNITS = [("minutes", _("minutes")), ("hours", _("hours")), ("days", _("days"))]
# The settings each kind of step shows; the rest stay hidden.
KIND_FIELDS = {
    StepKind.SEND_EMAIL: ("email_template", "category"),
    StepKind.SEND_SMS: ("sms_template", "category"),
    StepKind.WAIT: ("wait_amount", "wait_unit"),
    StepKind.WAIT_UNTIL: ("weekdays", "at_time"),
    StepKind.CREATE_TASK: ("title", "detail", "due_in_days", "assignee"),
    StepKind.ADD_TAG: ("tag",),
    StepKind.REMOVE_TAG: ("tag",),
    StepKind.CHANGE_STATUS: ("status",),
    StepKind.ASSIGN_PROGRAM: ("program",),
    StepKind.NOTIFY_COACH: ("subject", "text"),
    StepKind.WEBHOOK: ("webhook_name",),
}
SETTING_FIELDS = sorted({name for names in KIND_FIELDS.values() for name in names})
# A service error's `step_field` → the input it is shown beside.
ERROR_FIELDS = {
    "kind": "kind",
    "amount": "wait_amount",
    "weekdays": "weekdays",
    "time": "at_time",
    "title": "title",
    "due_in_days": "due_in_days",
    "assignee": "assignee",
    "tag": "tag",
    "status": "status",
    "program": "program",
    "category": "category",
}


class StepForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    order = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, required=False)
    kind = forms.ChoiceField(
        label=_("What happens"), choices=[("", _("Choose a step")), *StepKind.choices], required=False
    )
    email_template = forms.ModelChoiceField(
        label=_("Email template"), queryset=MessageTemplate.objects.none(), required=False, empty_label=_("Choose")
    )
    sms_template = forms.ModelChoiceField(
        label=_("Text message template"),
        queryset=MessageTemplate.objects.none(),
        required=False,
        empty_label=_("Choose"),
    )
    category = forms.ChoiceField(
        label=_("Kind of message"),
        choices=[
            (Category.TRANSACTIONAL, _("Service message (always sent)")),
            (Category.MARKETING, _("Marketing (needs consent)")),
        ],
        initial=Category.TRANSACTIONAL,
        required=False,
    )
    wait_amount = forms.IntegerField(label=_("Wait for"), min_value=1, max_value=10_000, required=False)
    wait_unit = forms.ChoiceField(label=_("Unit"), choices=UNITS, initial="days", required=False)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any day."),
    )
    at_time = forms.TimeField(
        label=_("At (the client's time)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    title = forms.CharField(label=_("Task title"), max_length=200, required=False, help_text=_("{client} is the name."))
    detail = forms.CharField(
        label=_("Task detail"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_in_days = forms.IntegerField(label=_("Due in days"), min_value=0, max_value=365, initial=1, required=False)
    assignee = forms.TypedChoiceField(label=_("Assign to"), coerce=int, empty_value=None, required=False)
    tag = forms.CharField(label=_("Tag"), max_length=40, required=False)
    status = forms.ChoiceField(
        label=_("New status"), choices=[("", _("Choose a status")), *Client.Status.choices], required=False
    )
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.none(), required=False, empty_label=_("Choose")
    )
    subject = forms.CharField(
        label=_("Email subject"),
        max_length=200,
        required=False,
        help_text=_("{client} and {automation} are filled in."),
    )
    text = forms.CharField(
        label=_("Message to the coach"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    webhook_name = forms.CharField(
        label=_("Webhook event name"),
        max_length=80,
        required=False,
        help_text=_("Sent as “automation.webhook” to the endpoints of Integrations that listen to it."),
    )

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        templates = MessageTemplate.objects.for_org(organization).filter(archived_at=None).order_by("name")
        self.fields["email_template"].queryset = templates.filter(channel=Channel.EMAIL)
        self.fields["sms_template"].queryset = templates.filter(channel=Channel.SMS)
        self.fields["program"].queryset = program_list(organization=organization, templates=True).order_by("name")
        self.fields["assignee"].choices = [("", _("The client's coach"))] + [
            (m.user_id, str(m.user)) for m in team_members(organization=organization)
        ]
        self.step = None
        kind = self.data.get(self.add_prefix("kind")) if self.is_bound else self.initial.get("kind")
        self.current_kind = kind or ""

    def setting_rows(self):
        """Each setting with the kinds it belongs to and whether it shows (a row with no kind shows all)."""
        for name in SETTING_FIELDS:
            kinds = [k for k, names in KIND_FIELDS.items() if name in names]
            yield {
                "field": self[name],
                "kinds": " ".join(kinds),
                "hidden": bool(self.current_kind) and self.current_kind not in kinds,
            }

    @staticmethod
    def initial_for(step, position: int) -> dict:
        config = step.config or {}
        initial = {"id": step.pk, "order": position, "kind": step.kind}
        if step.kind == StepKind.SEND_EMAIL:
            initial.update(email_template=step.template_id, category=config.get("category"))
        elif step.kind == StepKind.SEND_SMS:
            initial.update(sms_template=step.template_id, category=config.get("category"))
        elif step.kind == StepKind.WAIT:
            minutes = (
                int(config.get("days") or 0) * 1440
                + int(config.get("hours") or 0) * 60
                + int(config.get("minutes") or 0)
            )
            for unit, size in (("days", 1440), ("hours", 60), ("minutes", 1)):
                if minutes and minutes % size == 0:
                    initial.update(wait_amount=minutes // size, wait_unit=unit)
                    break
        elif step.kind == StepKind.WAIT_UNTIL:
            initial.update(weekdays=config.get("weekdays") or [], at_time=config.get("time"))
        elif step.kind == StepKind.CREATE_TASK:
            initial.update(
                title=config.get("title"),
                detail=config.get("detail"),
                due_in_days=config.get("due_in_days", 1),
                assignee=config.get("assignee_id"),
            )
        elif step.kind in (StepKind.ADD_TAG, StepKind.REMOVE_TAG):
            initial["tag"] = config.get("tag")
        elif step.kind == StepKind.CHANGE_STATUS:
            initial["status"] = config.get("status")
        elif step.kind == StepKind.ASSIGN_PROGRAM:
            initial["program"] = config.get("program_id")
        elif step.kind == StepKind.NOTIFY_COACH:
            initial.update(subject=config.get("subject"), text=config.get("text"))
        elif step.kind == StepKind.WEBHOOK:
            initial["webhook_name"] = config.get("name")
        return initial

    def _config(self, kind: str, data: dict) -> tuple[object, dict]:
        if kind in (StepKind.SEND_EMAIL, StepKind.SEND_SMS):
            template = data.get("email_template" if kind == StepKind.SEND_EMAIL else "sms_template")
            return template, {"category": data.get("category") or Category.TRANSACTIONAL}
        if kind == StepKind.WAIT:
            return None, {data.get("wait_unit") or "days": data.get("wait_amount") or 0}
        if kind == StepKind.WAIT_UNTIL:
            at = data.get("at_time")
            return None, {"weekdays": sorted(data.get("weekdays") or []), "time": at.strftime("%H:%M") if at else ""}
        if kind == StepKind.CREATE_TASK:
            config = {"title": data.get("title") or "", "detail": data.get("detail") or ""}
            config["due_in_days"] = data.get("due_in_days") if data.get("due_in_days") is not None else 1
            if data.get("assignee"):
                config["assignee_id"] = data["assignee"]
            return None, config
        if kind in (StepKind.ADD_TAG, StepKind.REMOVE_TAG):
            return None, {"tag": data.get("tag") or ""}
        if kind == StepKind.CHANGE_STATUS:
            return None, {"status": data.get("status") or ""}
        if kind == StepKind.ASSIGN_PROGRAM:
            program = data.get("program")
            return None, {"program_id": program.pk if program else None}
        if kind == StepKind.NOTIFY_COACH:
            return None, {"subject": data.get("subject") or "", "text": data.get("text") or ""}
        return None, {"name": data.get("webhook_name") or ""}

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if not kind or data.get("DELETE"):
            return data
        template, config = self._config(kind, data)
        try:
            self.step = services.clean_step(
                self.organization, {"id": data.get("id"), "kind": kind, "template": template, "config": config}
            )
        except AutomationError as exc:
            target = ERROR_FIELDS.get(exc.step_field)
            if exc.step_field == "template":
                target = "email_template" if kind == StepKind.SEND_EMAIL else "sms_template"
            self.add_error(target, exc.message)
        return data


StepFormSet = forms.formset_factory(StepForm, extra=1, can_delete=True, max_num=50, validate_max=True)
