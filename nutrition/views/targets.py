"""Coach pages of a client's Nutrition tab: the week of food logs against targets with
comments, and the targets page with the calculator."""

from __future__ import annotations

import datetime
from datetime import timedelta
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from clients.models import Client
from mecto.errors import DomainError
from mecto.forms import IdPrefixMixin, apply_domain_error
from mecto.localization import format_date
from mecto.permissions import MemberRequiredMixin

from .. import calculator, selectors
from ..models import NutritionSettings, NutritionTarget
from ..nutrients import NUTRIENTS
from ..services import logs as log_services
from ..services import targets as services

TRACKED_NUTRIENTS = [n for n in NUTRIENTS if n.field in selectors.TRACKED]
WEEKDAYS = [
    (1, gettext_lazy("Monday")),
    (2, gettext_lazy("Tuesday")),
    (3, gettext_lazy("Wednesday")),
    (4, gettext_lazy("Thursday")),
    (5, gettext_lazy("Friday")),
    (6, gettext_lazy("Saturday")),
    (7, gettext_lazy("Sunday")),
]


# --- Forms ------------------------------------------------------------------------------------------
class SettingsForm(IdPrefixMixin, forms.Form):
    id_prefix = "settings"
    target_mode = forms.ChoiceField(
        label=gettext_lazy("Targets"), choices=NutritionSettings.TargetMode.choices, widget=forms.RadioSelect
    )
    training_weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Usual training days"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Used on days when no workout of the client's program is scheduled."),
    )
    tolerance_percent = forms.IntegerField(
        label=gettext_lazy("On target within ± (%)"),
        min_value=1,
        max_value=50,
        help_text=gettext_lazy("A day is on target when each tracked value is within this much of its target."),
    )


class TargetForm(forms.Form):
    energy_kcal = forms.IntegerField(
        label=gettext_lazy("Energy (kcal)"), min_value=500, max_value=10000, required=False
    )
    protein_g = forms.DecimalField(
        label=gettext_lazy("Protein (g)"), min_value=0, max_value=1000, decimal_places=1, required=False
    )
    carbohydrate_g = forms.DecimalField(
        label=gettext_lazy("Carbohydrate (g)"), min_value=0, max_value=2000, decimal_places=1, required=False
    )
    fat_g = forms.DecimalField(
        label=gettext_lazy("Fat (g)"), min_value=0, max_value=1000, decimal_places=1, required=False
    )
    fibre_g = forms.DecimalField(
        label=gettext_lazy("Fibre (g)"), min_value=0, max_value=200, decimal_places=1, required=False
    )


class CalculatorForm(IdPrefixMixin, forms.Form):
    id_prefix = "calc"
    activity = forms.ChoiceField(
        label=gettext_lazy("Activity"),
        choices=[(k, f"{label} (× {factor})") for k, factor, label in calculator.ACTIVITY_LEVELS],
        initial="moderate",
    )
    goal = forms.ChoiceField(label=gettext_lazy("Goal"), choices=calculator.GOALS, initial="maintain")
    adjustment_percent = forms.DecimalField(
        label=gettext_lazy("Deficit or surplus (%)"),
        min_value=0,
        max_value=30,
        decimal_places=1,
        initial=Decimal("15"),
        required=False,
        help_text=gettext_lazy("For lose or gain. Leave empty and give kcal instead, if you prefer."),
    )
    adjustment_kcal = forms.IntegerField(
        label=gettext_lazy("…or in kcal a day"), min_value=0, max_value=1500, required=False
    )
    protein_g_per_kg = forms.TypedChoiceField(
        label=gettext_lazy("Protein (g per kg of body weight)"),
        choices=[(str(p), str(p)) for p in calculator.PROTEIN_PRESETS],
        coerce=Decimal,
        initial="1.8",
    )
    fat_percent = forms.DecimalField(
        label=gettext_lazy("Fat (% of energy)"), min_value=15, max_value=50, decimal_places=1, initial=Decimal("30")
    )

    def settings(self) -> calculator.Settings:
        data = self.cleaned_data
        return calculator.Settings(
            activity=data["activity"],
            goal=data["goal"],
            adjustment_percent=data.get("adjustment_percent")
            if data.get("adjustment_percent") is not None
            else Decimal("15"),
            adjustment_kcal=data.get("adjustment_kcal"),
            protein_g_per_kg=data["protein_g_per_kg"],
            fat_percent=data["fat_percent"],
        )


class DayCommentForm(IdPrefixMixin, forms.Form):
    id_prefix = "comment"
    date = forms.DateField(label=gettext_lazy("Day"), widget=forms.Select)
    body = forms.CharField(label=gettext_lazy("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, days=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.choices = [(d.isoformat(), format_date(d, "WEEKDAY_MONTH_DAY_FORMAT")) for d in days]


# --- Helpers ------------------------------------------------------------------------------------------
class NutritionCoachView(MemberRequiredMixin, View):
    required_capability = "clients.view"

    @property
    def org(self):
        return self.request.tenant.organization

    def client(self, pk) -> Client:
        return get_object_or_404(Client.objects.for_org(self.org).prefetch_related("tags"), pk=pk)


def _parse_week(raw) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def target_rows(target) -> dict:
    """A target with its energy from macros and whether the two disagree by more than 10 %."""
    from_macros, differs = (None, False)
    if target is not None:
        from_macros, differs = calculator.macro_energy_check(
            energy_kcal=target.energy_kcal,
            protein_g=target.protein_g,
            carbohydrate_g=target.carbohydrate_g,
            fat_g=target.fat_g,
        )
    return {"target": target, "from_macros": from_macros, "differs": differs}


# --- Week view --------------------------------------------------------------------------------------
class ClientNutritionView(NutritionCoachView):
    """The client's week: 7 days of totals against targets, on/off target, and comments."""

    def get(self, request, pk, comment_form=None, status=200):
        client = self.client(pk)
        week = selectors.week_adherence(client=client, start=_parse_week(request.GET.get("week")))
        rows = []
        for nutrient in TRACKED_NUTRIENTS:
            rows.append(
                {
                    "nutrient": nutrient,
                    "cells": [{"status": d.by_field[nutrient.field], "future": d.date > week.today} for d in week.days],
                }
            )
        context = {
            "client": client,
            "tab": "nutrition",
            "week": week,
            "rows": rows,
            "previous_week": (week.start - timedelta(days=7)).isoformat(),
            "next_week": (week.start + timedelta(days=7)).isoformat(),
            "has_targets": selectors.targets_of(client=client).exists(),
            "comment_form": comment_form
            or DayCommentForm(days=[d.date for d in week.days], initial={"date": min(week.today, week.end)}),
            "can_manage": request.tenant.can("clients.manage"),
            "can_comment": request.tenant.can("messages.send"),
        }
        return render(request, "nutrition/targets/client_week.html", context, status=status)


class DayCommentView(NutritionCoachView):
    required_capability = "messages.send"

    def post(self, request, pk):
        client = self.client(pk)
        week_start = _parse_week(request.POST.get("week")) or selectors.client_today(client)
        first = selectors.week_start(week_start)
        days = [first + timedelta(days=i) for i in range(7)]
        form = DayCommentForm(request.POST, days=days)
        if form.is_valid():
            try:
                log_services.comment_on_day(
                    client=client, day=form.cleaned_data["date"], body=form.cleaned_data["body"], actor=request.user
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Comment sent; %(name)s sees it on that day and in messages.") % {"name": client.first_name},
                )
                return redirect(reverse("nutrition:client", args=[client.pk]) + f"?week={first.isoformat()}")
        request.GET = request.GET.copy()
        request.GET["week"] = first.isoformat()
        return ClientNutritionView(request=request).get(request, pk, comment_form=form, status=400)


# --- Targets and the calculator --------------------------------------------------------------------------
class ClientTargetsView(NutritionCoachView):
    """Set how targets vary, the targets of each kind of day, and work them out with the calculator."""

    def _kinds(self, settings) -> list[str]:
        kinds = list(services.MODE_KINDS[settings.target_mode])
        return kinds

    def _target_forms(self, client, settings, data=None):
        existing = {t.day_kind: t for t in selectors.targets_of(client=client)}
        labels = dict(NutritionTarget.DayKind.choices)
        forms_ = []
        for kind in self._kinds(settings):
            target = existing.get(kind)
            initial = {f: getattr(target, f) for f in services.TARGET_FIELDS} if target else {}
            form = TargetForm(data, prefix=kind, initial=initial)
            forms_.append({"kind": kind, "label": labels[kind], "form": form, **target_rows(target)})
        return forms_

    def render_page(self, request, client, *, settings_form=None, target_forms=None, calc_form=None, status=200):
        settings = selectors.settings_for(client)
        inputs = calculator.inputs_for(client, today=selectors.client_today(client))
        calc_form = calc_form or CalculatorForm(request.GET if "activity" in request.GET else None)
        result, calc_error = None, None
        if calc_form.is_bound and calc_form.is_valid():
            try:
                result = calculator.calculate(inputs, calc_form.settings())
            except calculator.CalculatorError as exc:
                calc_form.add_error(exc.field if exc.field in calc_form.fields else None, exc.message)
                status = 400 if status == 200 and request.method == "POST" else status
        elif calc_form.is_bound:
            calc_error = True
        from mecto.localization import cm_to_display, kg_to_display, length_unit, weight_unit

        context = {
            "client": client,
            "tab": "nutrition",
            "settings": settings,
            "settings_form": settings_form
            or SettingsForm(
                initial={
                    "target_mode": settings.target_mode,
                    "training_weekdays": settings.training_weekdays,
                    "tolerance_percent": settings.tolerance_percent,
                }
            ),
            "target_forms": target_forms or self._target_forms(client, settings),
            "calc_form": calc_form,
            "calc_error": calc_error,
            "result": result,
            "inputs": inputs,
            "weight_display": kg_to_display(inputs.weight_kg, client.unit_system),
            "height_display": cm_to_display(inputs.height_cm, client.unit_system),
            "weight_unit": weight_unit(client.unit_system),
            "length_unit": length_unit(client.unit_system),
            "can_manage": request.tenant.can("nutrition.manage"),
            "calc_query": request.GET.urlencode() if "activity" in request.GET else "",
        }
        return render(request, "nutrition/targets/targets.html", context, status=status)

    def get(self, request, pk):
        return self.render_page(request, self.client(pk))

    def post(self, request, pk):
        if not request.tenant.can("nutrition.manage"):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        client = self.client(pk)
        action = request.POST.get("action")
        url = reverse("nutrition:targets", args=[client.pk])
        if action == "settings":
            form = SettingsForm(request.POST)
            if form.is_valid():
                try:
                    services.save_settings(client=client, actor=request.user, **form.cleaned_data)
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(request, _("Settings saved."))
                    return redirect(url)
            return self.render_page(request, client, settings_form=form, status=400)
        if action == "targets":
            settings = selectors.settings_for(client)
            target_forms = self._target_forms(client, settings, data=request.POST)
            if all(item["form"].is_valid() for item in target_forms):
                try:
                    from django.db import transaction

                    with transaction.atomic():
                        for item in target_forms:
                            services.save_target(
                                client=client,
                                day_kind=item["kind"],
                                values=item["form"].cleaned_data,
                                actor=request.user,
                            )
                except DomainError as exc:
                    apply_domain_error(target_forms[0]["form"], exc)
                else:
                    messages.success(request, _("Targets saved."))
                    return redirect(url)
            return self.render_page(request, client, target_forms=target_forms, status=400)
        if action == "apply":
            form = CalculatorForm(request.POST)
            if form.is_valid():
                try:
                    result = calculator.calculate(calculator.inputs_for(client), form.settings())
                    services.apply_calculation(client=client, result=result, actor=request.user)
                except calculator.CalculatorError as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(request, _("The calculated targets are saved: adjust them below if you like."))
                    return redirect(url + "#targets")
            return self.render_page(request, client, calc_form=form, status=400)
        messages.error(request, _("Nothing was changed."))
        return redirect(url)
