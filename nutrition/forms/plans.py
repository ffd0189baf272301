"""Forms of the meal plan pages; the services check everything again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import Client

from ..models import Meal, MealPlan
from ..models.plans import MAX_AMOUNT, MAX_SERVINGS, MIN_AMOUNT
from ..services.plans import MAX_DAYS

MAX_ID = 2**63 - 1


class TargetsMixin(forms.Form):
    energy_kcal = forms.IntegerField(label=_("Energy (kcal)"), required=False, min_value=500, max_value=10000)
    protein_g = forms.DecimalField(
        label=_("Protein (g)"), required=False, min_value=0, max_value=1000, decimal_places=1
    )
    carbohydrate_g = forms.DecimalField(
        label=_("Carbohydrate (g)"), required=False, min_value=0, max_value=2000, decimal_places=1
    )
    fat_g = forms.DecimalField(label=_("Fat (g)"), required=False, min_value=0, max_value=1000, decimal_places=1)
    fibre_g = forms.DecimalField(label=_("Fibre (g)"), required=False, min_value=0, max_value=200, decimal_places=1)


class PlanForm(TargetsMixin):
    name = forms.CharField(label=_("Name"), max_length=160)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    day_naming = forms.ChoiceField(label=_("Days"), choices=MealPlan.DayNaming.choices)
    day_count = forms.IntegerField(
        label=_("Number of days"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=3,
        help_text=_("Each day starts with breakfast, lunch, dinner and a snack. Weekday plans have up to 7 days."),
    )
    field_order = ["name", "description", "day_naming", "day_count"]


class PlanEditForm(TargetsMixin):
    name = forms.CharField(label=_("Name"), max_length=160)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    day_naming = forms.ChoiceField(label=_("Days"), choices=MealPlan.DayNaming.choices)
    field_order = ["name", "description", "day_naming"]


class AssignForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    start_date = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.for_org(organization).order_by("first_name", "last_name")


class ClientAssignForm(forms.Form):
    """From the client's page: which template, from when."""

    plan = forms.ModelChoiceField(label=_("Template"), queryset=MealPlan.objects.none())
    start_date = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = (
            MealPlan.objects.for_org(organization).filter(client__isnull=True).order_by("name")
        )


class MealForm(forms.Form):
    kind = forms.ChoiceField(label=_("Meal"), choices=Meal.Kind.choices)
    name = forms.CharField(label=_("Name (optional)"), max_length=60, required=False)


class ItemForm(forms.Form):
    """Add or change an item: a food with an amount and portion, or servings of a recipe."""

    food = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    recipe = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    portion = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    amount = forms.DecimalField(required=False, min_value=MIN_AMOUNT, max_value=MAX_AMOUNT, decimal_places=3)
    servings = forms.DecimalField(required=False, min_value=MIN_AMOUNT, max_value=MAX_SERVINGS, decimal_places=2)


class ShoppingForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
