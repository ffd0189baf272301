"""Forms of the food library pages: a business's own food and its portions."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models.foods import FOOD_GROUPS
from ..nutrients import NUTRIENTS


class FoodForm(forms.Form):
    """A food of the business's own: nutrients per 100 g, blank where unknown."""

    name = forms.CharField(label=_("Name"), max_length=200)
    common_name = forms.CharField(label=_("Other names"), max_length=200, required=False)
    food_group = forms.ChoiceField(
        label=_("Food group"), required=False, choices=[("", _("— none —")), *[(g, g) for g in FOOD_GROUPS]]
    )
    manufacturer = forms.CharField(
        label=_("Brand or manufacturer"),
        max_length=160,
        required=False,
        help_text=_("Leave empty for a home-made or unbranded food."),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for nutrient in NUTRIENTS:
            self.fields[nutrient.field] = forms.DecimalField(
                label=_("%(nutrient)s (%(unit)s per 100 g)") % {"nutrient": nutrient.label, "unit": nutrient.unit},
                required=False,
                min_value=Decimal(0),
                max_digits=10,
                decimal_places=3,
                help_text=_("Leave empty if you do not know it: it shows as unknown, not zero.")
                if nutrient.field == "energy_kcal"
                else "",
                widget=forms.NumberInput(attrs={"step": "any", "min": "0", "inputmode": "decimal"}),
            )
        if editing:
            self.fields["is_archived"] = forms.BooleanField(
                label=_("Archived: hidden from search and pickers"), required=False
            )


class PortionForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"),
        min_value=Decimal("0.001"),
        max_digits=8,
        decimal_places=3,
        initial=1,
        widget=forms.NumberInput(attrs={"step": "any", "min": "0.001", "inputmode": "decimal"}),
    )
    description = forms.CharField(
        label=_("Measure"), max_length=120, help_text=_("For example “cup, chopped”, “slice” or “large”.")
    )
    gram_weight = forms.DecimalField(
        label=_("Grams"),
        min_value=Decimal("0.01"),
        max_digits=9,
        decimal_places=2,
        help_text=_("What that amount of the measure weighs."),
        widget=forms.NumberInput(attrs={"step": "any", "min": "0.01", "inputmode": "decimal"}),
    )
