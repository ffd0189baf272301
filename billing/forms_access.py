"""The "What it grants" form of a plan: the business's programs, meal plans, habits, check-in
forms, groups and portal sections, and when access is withdrawn."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mecto.forms import IdPrefixMixin

from .models_access import MAX_GRACE_DAYS, AccessKind, PlanAccess
from .selectors_access import plan_grants
from .services.access import KIND_FIELDS, grant_choices, plan_access_rule


def _multiple(label, help_text=""):
    return forms.MultipleChoiceField(
        label=label, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


class PlanAccessForm(IdPrefixMixin, forms.Form):
    id_prefix = "access"

    programs = _multiple(
        _("Training programs"), _("Templates of your library. Each client gets their own copy from the start day.")
    )
    program_start = forms.ChoiceField(
        label=_("Programs start"), choices=PlanAccess.ProgramStart.choices, widget=forms.RadioSelect
    )
    program_start_date = forms.DateField(
        label=_("Fixed start date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only for “On a fixed date”. A client who joins later starts on the day they join."),
    )
    meal_plans = forms.ChoiceField(label=_("Meal plan"), required=False)
    habits = _multiple(_("Habits"))
    checkins = _multiple(_("Check-ins"), _("Weekly, on Sunday at 09:00 in the client's time zone."))
    groups = _multiple(_("Group threads"))
    sections = _multiple(
        _("Portal sections"),
        _("A section chosen here is shown only to clients who hold this plan (or another plan granting it)."),
    )
    withdrawal = forms.ChoiceField(
        label=_("When it ends, a refund or unpaid reminders withdraw access"),
        choices=PlanAccess.Withdrawal.choices,
        widget=forms.RadioSelect,
    )
    grace_days = forms.IntegerField(
        label=_("Grace period (days)"),
        min_value=0,
        max_value=MAX_GRACE_DAYS,
        initial=0,
        help_text=_("Only for “After a grace period”: 0 to 365 days."),
    )

    def __init__(self, *args, plan, **kwargs):
        self.plan = plan
        if "data" not in kwargs and not args:
            rule = plan_access_rule(plan)
            chosen: dict[str, list[str]] = {}
            for grant in plan_grants(plan=plan):
                chosen.setdefault(KIND_FIELDS[grant.kind], []).append(grant.target_id)
            kwargs.setdefault("initial", {})
            kwargs["initial"].update(
                {
                    **chosen,
                    "meal_plans": (chosen.get("meal_plans") or [""])[0],
                    "withdrawal": rule.withdrawal,
                    "grace_days": rule.grace_days,
                    "program_start": rule.program_start,
                    "program_start_date": rule.program_start_date,
                }
            )
        super().__init__(*args, **kwargs)
        for kind, choices in grant_choices(plan.organization).items():
            field = self.fields[KIND_FIELDS[kind]]
            if kind == AccessKind.MEAL_PLAN:
                field.choices = [("", _("No meal plan")), *choices]
            else:
                field.choices = choices
            if not choices and kind != AccessKind.SECTION:
                field.help_text = _("None in your library yet.")

    def clean(self):
        data = super().clean()
        if data.get("program_start") == PlanAccess.ProgramStart.FIXED_DATE and not data.get("program_start_date"):
            self.add_error("program_start_date", _("Choose the date programs start on."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        meal = data.get("meal_plans")
        return {
            "grants": {
                AccessKind.PROGRAM: data.get("programs") or [],
                AccessKind.MEAL_PLAN: [meal] if meal else [],
                AccessKind.HABIT: data.get("habits") or [],
                AccessKind.CHECKIN: data.get("checkins") or [],
                AccessKind.GROUP: data.get("groups") or [],
                AccessKind.SECTION: data.get("sections") or [],
            },
            "withdrawal": data["withdrawal"],
            "grace_days": data["grace_days"],
            "program_start": data["program_start"],
            "program_start_date": data.get("program_start_date"),
        }
