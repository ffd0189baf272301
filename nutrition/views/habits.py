"""Habit pages: the business's habit library, a client's Habits tab for coaches, and the
client's habits in the portal (phone first)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from clients.models import Client
from mecto.errors import DomainError
from mecto.forms import IdPrefixMixin, apply_domain_error
from mecto.localization import format_date, format_number
from mecto.permissions import ClientRequiredMixin, MemberRequiredMixin

from .. import habits as rules
from .. import selectors_habits as selectors
from ..models import Habit, HabitTemplate
from ..models.habits import HabitFrequency, HabitKind, HabitQuantity
from ..services import habits as services

CAPABILITY = "nutrition.manage"
WEEKDAY_CHOICES = [
    (1, gettext_lazy("Monday")),
    (2, gettext_lazy("Tuesday")),
    (3, gettext_lazy("Wednesday")),
    (4, gettext_lazy("Thursday")),
    (5, gettext_lazy("Friday")),
    (6, gettext_lazy("Saturday")),
    (7, gettext_lazy("Sunday")),
]


# --- Forms -------------------------------------------------------------------------------------------
class HabitRulesForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120, required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"), choices=HabitKind.choices, initial=HabitKind.YES_NO, required=False
    )
    goal = forms.DecimalField(
        label=gettext_lazy("Goal"),
        required=False,
        min_value=0,
        max_value=1_000_000,
        decimal_places=3,
        help_text=gettext_lazy("For counts and minutes: the amount that completes the day, e.g. 8."),
    )
    unit_label = forms.CharField(
        label=gettext_lazy("Unit"), max_length=24, required=False, help_text=gettext_lazy("e.g. glasses or steps")
    )
    quantity = forms.ChoiceField(
        label=gettext_lazy("A number habit measures"), choices=HabitQuantity.choices, required=False
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("How often"), choices=HabitFrequency.choices, initial=HabitFrequency.DAILY, required=False
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("On these days"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    times_per_week = forms.IntegerField(label=gettext_lazy("Times a week"), min_value=1, max_value=7, required=False)
    interval_days = forms.IntegerField(
        label=gettext_lazy("Every how many days"), min_value=2, max_value=365, required=False
    )
    field_order = ["name", "kind", "goal", "unit_label", "quantity", "frequency", "weekdays", "times_per_week"]
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def rules(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k in services.RULE_FIELDS}
        return {k: v for k, v in data.items() if v not in (None, "", [])}


class TemplateForm(IdPrefixMixin, HabitRulesForm):
    id_prefix = "template"
    duration_days = forms.IntegerField(
        label=gettext_lazy("Lasts (days)"), min_value=1, max_value=3650, required=False,
        help_text=gettext_lazy("Empty: no end."),
    )  # fmt: skip


class AssignForm(IdPrefixMixin, HabitRulesForm):
    id_prefix = "assign"
    template = forms.ModelChoiceField(
        label=gettext_lazy("From your library"),
        queryset=HabitTemplate.objects.none(),
        required=False,
        empty_label=gettext_lazy("— a new habit —"),
        help_text=gettext_lazy("Pick a template, or leave this and describe a new habit below."),
    )
    start_date = forms.DateField(
        label=gettext_lazy("Starts"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: today. For a one-off habit: its date."),
    )  # fmt: skip
    end_date = forms.DateField(
        label=gettext_lazy("Ends"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    field_order = [
        "template",
        "name",
        "kind",
        "goal",
        "unit_label",
        "quantity",
        "frequency",
        "weekdays",
        "times_per_week",
        "interval_days",
        "start_date",
        "end_date",
        "description",
    ]

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = selectors.habit_templates(organization=organization)

    def clean(self):
        data = super().clean()
        if not data.get("template") and not data.get("name"):
            self.add_error("name", _("Give the habit a name, or pick one from your library."))
        return data


class FreezeForm(IdPrefixMixin, forms.Form):
    id_prefix = "freeze"
    start_date = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: just the one day."),
    )  # fmt: skip
    habit = forms.ModelChoiceField(
        label=gettext_lazy("Habit"),
        queryset=Habit.objects.none(),
        required=False,
        empty_label=gettext_lazy("All habits"),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)

    def __init__(self, *args, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        if client is not None:
            self.fields["habit"].queryset = selectors.client_habits(client=client)


class SettingsForm(IdPrefixMixin, forms.Form):
    id_prefix = "settings"
    grace_hour = forms.IntegerField(
        label=gettext_lazy("A day can be completed until (hour of the next day)"),
        min_value=0,
        max_value=23,
        help_text=gettext_lazy("In each client's time zone; 12 means noon the next day, 0 means midnight."),
    )
    clients_may_add = forms.BooleanField(label=gettext_lazy("Clients may add their own habits"), required=False)


class OwnHabitForm(IdPrefixMixin, forms.Form):
    id_prefix = "own"
    template = forms.ModelChoiceField(
        label=gettext_lazy("From your coach's list"),
        queryset=HabitTemplate.objects.none(),
        required=False,
        empty_label=gettext_lazy("— write my own —"),
    )
    name = forms.CharField(label=gettext_lazy("My own habit"), max_length=120, required=False)

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = selectors.habit_templates(organization=organization)

    def clean(self):
        data = super().clean()
        if not data.get("template") and not data.get("name"):
            self.add_error("name", _("Name your habit, or pick one from the list."))
        return data


# --- Helpers -----------------------------------------------------------------------------------------
def frequency_label(habit) -> str:
    if habit.frequency == HabitFrequency.WEEKDAYS:
        names = dict(WEEKDAY_CHOICES)
        return ", ".join(str(names[d]) for d in habit.weekdays or [])
    if habit.frequency == HabitFrequency.TIMES_PER_WEEK:
        return ngettext("%(n)s time a week", "%(n)s times a week", habit.times_per_week) % {"n": habit.times_per_week}
    if habit.frequency == HabitFrequency.EVERY_N_DAYS:
        return ngettext("Every day", "Every %(n)s days", habit.interval_days) % {"n": habit.interval_days}
    if habit.frequency == HabitFrequency.ONCE:
        return _("Once, on %(date)s") % {"date": format_date(habit.start_date)}
    return _("Every day")


def goal_label(habit, unit_system: str) -> str:
    if habit.kind == HabitKind.YES_NO or habit.goal is None:
        return ""
    unit = rules.display_unit(
        kind=habit.kind, quantity=habit.quantity, unit_label=habit.unit_label, unit_system=unit_system
    )
    value = rules.to_display(habit.goal, kind=habit.kind, quantity=habit.quantity, unit_system=unit_system)
    return f"{format_number(value, 2)} {unit}".strip()


def streak_label(stats) -> str:
    from django.utils.translation import ngettext

    n = stats.current_streak
    if stats.streak_unit == "week":
        return ngettext("%(n)s-week streak", "%(n)s-week streak", n) % {"n": n}
    return ngettext("%(n)s-day streak", "%(n)s-day streak", n) % {"n": n}


def calendar_strip(habit, clock, completed: set, frozen: set, days: int = 28) -> list[dict]:
    """The last four weeks as cells, each with a text alternative (done, missed, not due, frozen)."""
    schedule = services.schedule_of(habit)
    cells = []
    for offset in range(days - 1, -1, -1):
        day = clock.today - timedelta(days=offset)
        if day in completed:
            state, text = "done", _("done")
        elif day in frozen:
            state, text = "frozen", _("frozen")
        elif not schedule.in_range(day):
            state, text = "out", _("not running")
        elif schedule.is_weekly or not schedule.is_due(day):
            state, text = "rest", _("not due")
        elif clock.is_open(day):
            state, text = "open", _("still open")
        else:
            state, text = "missed", _("missed")
        cells.append({"date": day, "state": state, "text": text})
    return cells


# --- Coach: the library --------------------------------------------------------------------------------
class HabitCoachView(MemberRequiredMixin, View):
    required_capability = CAPABILITY

    @property
    def org(self):
        return self.request.tenant.organization


class HabitLibraryView(HabitCoachView):
    def get(self, request, form=None, settings_form=None, status=200):
        settings = services.habit_settings(self.org)
        templates = list(selectors.habit_templates(organization=self.org))
        for t in templates:
            t.frequency_text = frequency_label(t) if t.frequency != HabitFrequency.ONCE else _("Once")
            t.goal_text = goal_label(t, "metric")
        context = {
            "templates": templates,
            "form": form or TemplateForm(),
            "settings_form": settings_form
            or SettingsForm(initial={"grace_hour": settings.grace_hour, "clients_may_add": settings.clients_may_add}),
        }
        return render(request, "nutrition/habits/library.html", context, status=status)

    def post(self, request):
        action = request.POST.get("action")
        if action == "settings":
            form = SettingsForm(request.POST)
            if form.is_valid():
                try:
                    services.update_habit_settings(organization=self.org, actor=request.user, **form.cleaned_data)
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(request, _("Habit settings saved."))
                    return redirect("nutrition:habit_library")
            return self.get(request, settings_form=form, status=400)
        if action == "archive":
            template = get_object_or_404(HabitTemplate.objects.for_org(self.org), pk=request.POST.get("template"))
            services.archive_template(template=template, actor=request.user)
            messages.success(request, _("%(name)s archived.") % {"name": template.name})
            return redirect("nutrition:habit_library")
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                template = services.create_template(
                    organization=self.org,
                    actor=request.user,
                    duration_days=form.cleaned_data.get("duration_days"),
                    **form.rules(),
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("%(name)s added to your library.") % {"name": template.name})
                return redirect("nutrition:habit_library")
        return self.get(request, form=form, status=400)


# --- Coach: a client's Habits tab ----------------------------------------------------------------------
class ClientHabitsView(HabitCoachView):
    def _client(self, pk):
        return get_object_or_404(Client.objects.for_org(self.org).prefetch_related("tags"), pk=pk)

    def get(self, request, pk, assign_form=None, freeze_form=None, status=200):
        client = self._client(pk)
        habits = list(selectors.client_habits(client=client))
        now = timezone.now()
        stats = selectors.habit_stats_for(habits, now=now)
        today = rules.local_date(now, client.time_zone)
        freezes = list(client.habit_freezes.select_related("habit").order_by("-start_date"))
        logs = selectors.logs_by_day(habits, start=today - timedelta(days=27), end=today)
        rows = []
        for habit in habits:
            s = stats[habit.pk]
            completed = {day for (habit_id, day), log in logs.items() if habit_id == habit.pk and log.is_complete}
            frozen = services.frozen_dates(freezes, habit.pk)
            rows.append(
                {
                    "habit": habit,
                    "stats": s,
                    "streak": streak_label(s),
                    "frequency": frequency_label(habit),
                    "goal": goal_label(habit, client.unit_system),
                    "strip": calendar_strip(habit, services.clock_for(habit, now=now), completed, frozen),
                }
            )
        context = {
            "client": client,
            "tab": "habits",
            "rows": rows,
            "freezes": freezes[:10],
            "assign_form": assign_form or AssignForm(organization=self.org),
            "freeze_form": freeze_form or FreezeForm(client=client),
            "can_manage": request.tenant.can("clients.manage"),
            "today": today,
        }
        return render(request, "nutrition/habits/client.html", context, status=status)

    def post(self, request, pk):
        client = self._client(pk)
        action = request.POST.get("action")
        if action == "archive":
            habit = get_object_or_404(selectors.client_habits(client=client), pk=request.POST.get("habit"))
            services.archive_habit(habit=habit, actor=request.user)
            messages.success(request, _("%(name)s archived; its history stays.") % {"name": habit.name})
            return redirect("nutrition:client_habits", pk=client.pk)
        if action == "freeze":
            form = FreezeForm(request.POST, client=client)
            if form.is_valid():
                try:
                    services.grant_freeze(client=client, actor=request.user, **form.cleaned_data)
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(request, _("Freeze days granted."))
                    return redirect("nutrition:client_habits", pk=client.pk)
            return self.get(request, pk, freeze_form=form, status=400)
        form = AssignForm(request.POST, organization=self.org)
        if form.is_valid():
            data = form.cleaned_data
            try:
                habit = services.assign_habit(
                    client=client,
                    actor=request.user,
                    template=data.get("template"),
                    start_date=data.get("start_date"),
                    end_date=data.get("end_date"),
                    # A template brings its own rules; the fields below it describe a new habit.
                    **({} if data.get("template") else form.rules()),
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("%(name)s assigned.") % {"name": habit.name})
                return redirect("nutrition:client_habits", pk=client.pk)
        return self.get(request, pk, assign_form=form, status=400)


# --- The portal ----------------------------------------------------------------------------------------
def _portal_rows(client, now):
    rows = selectors.today_for_client(client=client, now=now)
    for row in rows:
        habit = row["habit"]
        row["streak"] = streak_label(row["stats"])
        row["goal"] = goal_label(habit, client.unit_system)
        row["unit"] = rules.display_unit(
            kind=habit.kind, quantity=habit.quantity, unit_label=habit.unit_label, unit_system=client.unit_system
        )
        for entry in row["entries"]:
            log = entry["log"]
            entry["value"] = rules.to_display(
                log.value if log else None, kind=habit.kind, quantity=habit.quantity, unit_system=client.unit_system
            )
            entry["complete"] = bool(log and log.is_complete)
            entry["request_id"] = uuid.uuid4()
    return rows


class PortalHabitsView(ClientRequiredMixin, View):
    feature = "habits"

    def get(self, request, own_form=None, status=200):
        client = request.tenant.client
        now = timezone.now()
        habits = list(selectors.client_habits(client=client))
        stats = selectors.habit_stats_for(habits, now=now)
        rows = _portal_rows(client, now)
        shown = {row["habit"].pk for row in rows}
        others = [
            {"habit": h, "streak": streak_label(stats[h.pk]), "frequency": frequency_label(h)}
            for h in habits
            if h.pk not in shown
        ]
        may_add = services.habit_settings(client.organization).clients_may_add
        context = {
            "rows": rows,
            "others": others,
            "may_add": may_add,
            "own_form": own_form or (OwnHabitForm(organization=client.organization) if may_add else None),
        }
        return render(request, "nutrition/habits/portal.html", context, status=status)

    def post(self, request):
        client = request.tenant.client
        form = OwnHabitForm(request.POST, organization=client.organization)
        if form.is_valid():
            try:
                habit = services.add_own_habit(
                    client=client,
                    actor=request.user,
                    template=form.cleaned_data.get("template"),
                    name=form.cleaned_data.get("name") or None,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("%(name)s added to your habits.") % {"name": habit.name})
                return redirect("nutrition:portal_habits")
        return self.get(request, own_form=form, status=400)


def _back_to(request) -> str:
    """The portal page the tick came from (the home ticks habits too), if it is one of ours."""
    target = request.POST.get("next", "")
    if target.startswith("/portal/") and url_has_allowed_host_and_scheme(target, {request.get_host()}, False):
        return target
    return ""


class PortalLogHabitView(ClientRequiredMixin, View):
    """One tap: tick or untick a yes/no habit, +/- a count, or save a number, for today or
    yesterday while its grace period lasts."""

    feature = "habits"

    def post(self, request, pk):
        client = request.tenant.client
        habit = selectors.client_habits(client=client).filter(pk=pk).first()
        if habit is None:
            raise Http404
        post = request.POST
        try:
            request_id = uuid.UUID(post.get("request_id", ""))
            day = forms.DateField().clean(post.get("date"))
        except (ValueError, forms.ValidationError):
            messages.error(request, _("That did not work; please try again."))
            return redirect(_back_to(request) or reverse("nutrition:portal_habits"))
        op = post.get("op", "")
        try:
            if op == "untick":
                services.unlog_habit(habit=habit, client_uuid=request_id, day=day, actor=request.user)
            elif op == "tick":
                services.log_habit(habit=habit, client_uuid=request_id, day=day, done=True, actor=request.user)
            else:
                current = habit.logs.filter(date=day).values_list("value", flat=True).first() or 0
                if op in ("plus", "minus"):
                    value = max(current + (1 if op == "plus" else -1), 0)
                else:
                    try:
                        typed = forms.DecimalField(min_value=0, max_value=1_000_000).clean(post.get("value"))
                    except forms.ValidationError:
                        raise services.HabitError(_("Enter a number of zero or more."), field="value") from None
                    value = rules.from_display(
                        typed, kind=habit.kind, quantity=habit.quantity, unit_system=client.unit_system
                    )
                services.log_habit(habit=habit, client_uuid=request_id, day=day, value=value, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(_back_to(request) or reverse("nutrition:portal_habits") + f"#habit-{habit.pk}")
