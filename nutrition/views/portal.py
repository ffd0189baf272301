"""The client's food log in the portal (phone first): today's entries with totals against
targets, search-as-you-type, recent and favourite foods, quick add, edit and delete."""

from __future__ import annotations

import datetime
import uuid
from datetime import timedelta
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from mecto.errors import DomainError
from mecto.forms import apply_domain_error
from mecto.permissions import ClientRequiredMixin

from .. import selectors
from ..models import Food, FoodLogEntry
from ..nutrients import NUTRIENTS
from ..search import search_foods
from ..services import logs as services

TRACKED_NUTRIENTS = [n for n in NUTRIENTS if n.field in selectors.TRACKED]
GRAMS = "g"


# --- Forms ------------------------------------------------------------------------------------------
class MealFields(forms.Form):
    client_entry_id = forms.UUIDField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.HiddenInput)
    meal = forms.ChoiceField(label=gettext_lazy("Meal"), choices=FoodLogEntry.Meal.choices)
    meal_label = forms.CharField(
        label=gettext_lazy("Meal name (optional)"),
        max_length=60,
        required=False,
        help_text=gettext_lazy('Your own name, e.g. "Pre-workout".'),
    )


class AddFoodForm(MealFields):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount"), min_value=Decimal("0.01"), max_value=5000, decimal_places=2, initial=1
    )
    unit = forms.ChoiceField(label=gettext_lazy("Portion"))
    photo = forms.ImageField(label=gettext_lazy("Photo (optional)"), required=False)

    def __init__(self, *args, food: Food, **kwargs):
        super().__init__(*args, **kwargs)
        self.food = food
        portions = list(food.portions.all())
        self.portions = {str(p.pk): p for p in portions}
        self.fields["unit"].choices = [(str(p.pk), str(p)) for p in portions] + [(GRAMS, _("grams"))]
        if not portions:
            self.fields["amount"].initial = 100
            self.fields["unit"].initial = GRAMS


class QuickAddForm(MealFields):
    name = forms.CharField(label=gettext_lazy("What was it? (optional)"), max_length=200, required=False)
    energy_kcal = forms.DecimalField(label=gettext_lazy("Energy (kcal)"), min_value=0, max_value=10000, required=False)
    protein_g = forms.DecimalField(label=gettext_lazy("Protein (g)"), min_value=0, max_value=1000, required=False)
    carbohydrate_g = forms.DecimalField(
        label=gettext_lazy("Carbohydrate (g)"), min_value=0, max_value=2000, required=False
    )
    fat_g = forms.DecimalField(label=gettext_lazy("Fat (g)"), min_value=0, max_value=1000, required=False)
    fibre_g = forms.DecimalField(label=gettext_lazy("Fibre (g)"), min_value=0, max_value=200, required=False)

    QUICK = ["name", "energy_kcal", "protein_g", "carbohydrate_g", "fat_g", "fibre_g"]


class EditEntryForm(forms.Form):
    meal = forms.ChoiceField(label=gettext_lazy("Meal"), choices=FoodLogEntry.Meal.choices)
    meal_label = forms.CharField(label=gettext_lazy("Meal name (optional)"), max_length=60, required=False)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount"), min_value=Decimal("0.01"), max_value=5000, decimal_places=2, required=False
    )
    unit = forms.ChoiceField(label=gettext_lazy("Portion"), required=False)

    def __init__(self, *args, entry: FoodLogEntry, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry
        if entry.kind == FoodLogEntry.Kind.FOOD and entry.food is not None:
            portions = list(entry.food.portions.all())
            self.fields["unit"].choices = [(str(p.pk), str(p)) for p in portions] + [(GRAMS, _("grams"))]
        else:
            del self.fields["amount"]
            del self.fields["unit"]


# --- Helpers ------------------------------------------------------------------------------------------
def _day(request, client) -> datetime.date:
    raw = request.GET.get("date") or request.POST.get("date")
    today = selectors.client_today(client)
    try:
        day = datetime.date.fromisoformat(raw) if raw else today
    except ValueError:
        day = today
    return min(day, today + timedelta(days=1))


def _default_meal(request) -> str:
    meal = request.GET.get("meal", "")
    return meal if meal in FoodLogEntry.Meal.values else FoodLogEntry.Meal.BREAKFAST


def _day_url(day: datetime.date) -> str:
    return reverse("nutrition:portal") + f"?date={day.isoformat()}"


def _food_for(request, pk) -> Food:
    food = (
        Food.objects.for_org(request.tenant.organization)
        .filter(pk=pk, is_archived=False)
        .prefetch_related("portions")
        .first()
    )
    if food is None:
        raise Http404
    return food


def _entry_for(request, public_id) -> FoodLogEntry:
    entry = (
        selectors.log_entries(client=request.tenant.client)
        .filter(public_id=public_id)
        .prefetch_related("food__portions")
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def _bars(summary) -> list[dict]:
    bars = []
    for nutrient in TRACKED_NUTRIENTS:
        status = summary.by_field[nutrient.field]
        bars.append(
            {
                "nutrient": nutrient,
                "status": status,
                "max": max(status.target or 0, status.actual, 1),
                "left": (status.target - status.actual) if status.target is not None else None,
            }
        )
    return bars


# --- Pages ------------------------------------------------------------------------------------------
class PortalNutritionView(ClientRequiredMixin, View):
    """A day of the client's food log: totals against targets, entries by meal, and ways to add."""

    feature = "nutrition"

    def get(self, request):
        client = request.tenant.client
        day = _day(request, client)
        today = selectors.client_today(client)
        summary = selectors.day_summary(client=client, day=day)
        entries = list(selectors.log_entries(client=client, start=day, end=day))
        meals = []
        for meal, label in FoodLogEntry.Meal.choices:
            items = [e for e in entries if e.meal == meal]
            meals.append({"key": meal, "label": label, "entries": items})
        context = {
            "day": day,
            "today": today,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1) if day < today else None,
            "summary": summary,
            "bars": _bars(summary),
            "meals": meals,
            "has_entries": bool(entries),
            "recent": selectors.recent_foods(client=client, limit=8),
            "favourites": [f.food for f in selectors.favourite_foods(client=client)[:12]],
            "default_meal": _default_meal(request),
            "meal_choices": FoodLogEntry.Meal.choices,
        }
        return render(request, "nutrition/portal/day.html", context)


class PortalFoodSearchView(ClientRequiredMixin, View):
    """Foods matching what the client types; a fragment for htmx, a page without script."""

    feature = "nutrition"

    def get(self, request):
        client = request.tenant.client
        query = (request.GET.get("q") or "").strip()[:100]
        foods = search_foods(organization=client.organization, query=query, limit=20) if len(query) >= 2 else []
        context = {
            "query": query,
            "foods": foods,
            "day": _day(request, client),
            "meal": _default_meal(request),
            "meal_choices": FoodLogEntry.Meal.choices,
        }
        template = (
            "nutrition/portal/_results.html" if request.headers.get("HX-Request") else "nutrition/portal/search.html"
        )
        return render(request, template, context)


class PortalAddFoodView(ClientRequiredMixin, View):
    """Pick a portion and an amount of one food and log it."""

    feature = "nutrition"

    def _render(self, request, food, form, status=200):
        client = request.tenant.client
        favourite = selectors.favourite_foods(client=client).filter(food=food).exists()
        per_100 = [{"nutrient": n, "value": getattr(food, n.field)} for n in TRACKED_NUTRIENTS]
        return render(
            request,
            "nutrition/portal/add_food.html",
            {"food": food, "form": form, "per_100": per_100, "favourite": favourite, "day": form["date"].value()},
            status=status,
        )

    def get(self, request, pk):
        food = _food_for(request, pk)
        client = request.tenant.client
        form = AddFoodForm(
            food=food,
            initial={"client_entry_id": uuid.uuid4(), "date": _day(request, client), "meal": _default_meal(request)},
        )
        return self._render(request, food, form)

    def post(self, request, pk):
        food = _food_for(request, pk)
        form = AddFoodForm(request.POST, request.FILES, food=food)
        if form.is_valid():
            data = form.cleaned_data
            unit = data["unit"]
            try:
                entry, _created = services.log_food(
                    client=request.tenant.client,
                    client_entry_id=data["client_entry_id"],
                    date=data["date"],
                    meal=data["meal"],
                    meal_label=data["meal_label"],
                    food=food,
                    portion=None if unit == GRAMS else form.portions.get(unit),
                    amount=None if unit == GRAMS else data["amount"],
                    grams=data["amount"] if unit == GRAMS else None,
                    photo=data.get("photo"),
                    actor=request.user,
                )
            except DomainError as exc:
                apply_domain_error(form, exc, {"grams": "amount", "portion": "unit"})
            else:
                messages.success(request, _("Logged %(name)s.") % {"name": entry.name})
                return redirect(_day_url(entry.date))
        return self._render(request, food, form, status=400)


class PortalQuickAddView(ClientRequiredMixin, View):
    feature = "nutrition"

    def _render(self, request, form, status=200):
        return render(
            request, "nutrition/portal/quick_add.html", {"form": form, "day": form["date"].value()}, status=status
        )

    def get(self, request):
        client = request.tenant.client
        form = QuickAddForm(
            initial={"client_entry_id": uuid.uuid4(), "date": _day(request, client), "meal": _default_meal(request)}
        )
        return self._render(request, form)

    def post(self, request):
        form = QuickAddForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry, _created = services.log_food(
                    client=request.tenant.client,
                    client_entry_id=data["client_entry_id"],
                    date=data["date"],
                    meal=data["meal"],
                    meal_label=data["meal_label"],
                    quick={k: data.get(k) for k in QuickAddForm.QUICK},
                    actor=request.user,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Logged %(name)s.") % {"name": entry.name})
                return redirect(_day_url(entry.date))
        return self._render(request, form, status=400)


class PortalEditEntryView(ClientRequiredMixin, View):
    feature = "nutrition"

    def _render(self, request, entry, form, status=200):
        return render(request, "nutrition/portal/edit_entry.html", {"entry": entry, "form": form}, status=status)

    def get(self, request, public_id):
        entry = _entry_for(request, public_id)
        initial = {"meal": entry.meal, "meal_label": entry.meal_label}
        if entry.kind == FoodLogEntry.Kind.FOOD:
            initial.update(
                amount=entry.amount if entry.portion_id else entry.grams,
                unit=str(entry.portion_id) if entry.portion_id else GRAMS,
            )
        return self._render(request, entry, EditEntryForm(entry=entry, initial=initial))

    def post(self, request, public_id):
        entry = _entry_for(request, public_id)
        form = EditEntryForm(request.POST, entry=entry)
        if form.is_valid():
            data = form.cleaned_data
            changes = {"meal": data["meal"], "meal_label": data["meal_label"]}
            if "unit" in form.fields and data.get("amount") is not None:
                if data["unit"] == GRAMS:
                    changes["grams"] = data["amount"]
                else:
                    changes.update(portion=data["unit"], amount=data["amount"])
            try:
                entry = services.update_entry(entry=entry, actor=request.user, **changes)
            except DomainError as exc:
                apply_domain_error(form, exc, {"grams": "amount", "portion": "unit"})
            else:
                messages.success(request, _("Entry changed."))
                return redirect(_day_url(entry.date))
        return self._render(request, entry, form, status=400)


class PortalDeleteEntryView(ClientRequiredMixin, View):
    feature = "nutrition"

    def post(self, request, public_id):
        entry = _entry_for(request, public_id)
        day = entry.date
        services.delete_entry(entry=entry, actor=request.user)
        messages.success(request, _("Entry deleted."))
        return redirect(_day_url(day))


class PortalFavouriteView(ClientRequiredMixin, View):
    feature = "nutrition"

    def post(self, request, pk):
        food = _food_for(request, pk)
        client = request.tenant.client
        if request.POST.get("remove"):
            services.remove_favourite(client=client, food=food)
            messages.success(request, _("Removed from favourites."))
        else:
            services.add_favourite(client=client, food=food)
            messages.success(request, _("Added to favourites."))
        back = reverse("nutrition:portal_add_food", args=[food.pk])
        day = request.POST.get("date", "")
        return HttpResponseRedirect(back + (f"?date={day}" if day else ""))


class LogPhotoView(View):
    """A food log photo: the client themself or their business's coaches; 404 for anyone else."""

    def get(self, request, public_id, variant):
        if variant not in ("full", "thumb") or not request.user.is_authenticated:
            raise Http404
        tenant = request.tenant
        entry = FoodLogEntry.objects.filter(public_id=public_id).first()
        if entry is None or not entry.photo:
            raise Http404
        allowed = (
            tenant.is_member and tenant.can("clients.view") and entry.organization_id == tenant.organization.pk
        ) or (tenant.is_client and entry.client_id == tenant.client.pk)
        if not allowed:
            raise Http404
        return _photo_response(entry.photo_thumbnail if variant == "thumb" else entry.photo)


def _photo_response(field):
    from django.http import FileResponse

    storage = field.storage
    if getattr(storage, "querystring_auth", False):
        return HttpResponseRedirect(storage.url(field.name))
    try:
        handle = storage.open(field.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class PortalLogPlannedMealView(ClientRequiredMixin, View):
    """ "I ate this": log a meal of the client's meal plan for today, every item at once."""

    feature = "nutrition"

    def post(self, request, pk: int):
        client = request.tenant.client
        try:
            results = services.log_planned_meal(client=client, meal=pk, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("nutrition:portal_plan")
        count = len(results)
        if any(created for _entry, created in results):
            messages.success(
                request,
                ngettext("Logged %(n)d item in today's food log.", "Logged %(n)d items in today's food log.", count)
                % {"n": count},
            )
        else:
            messages.info(request, _("This meal was already in today's food log."))
        return redirect("nutrition:portal")
