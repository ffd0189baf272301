"""The recipe editor's fields; ingredient rows are read from the posted data (any number)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models.plans import MAX_SERVINGS


class RecipeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    servings = forms.DecimalField(label=_("Servings"), min_value=1, max_value=MAX_SERVINGS, decimal_places=2, initial=1)
    yield_grams = forms.DecimalField(
        label=_("Cooked weight (g)"),
        required=False,
        min_value=1,
        max_value=100000,
        decimal_places=1,
        help_text=_("Optional: weigh the finished dish for exact nutrition per 100 g."),
    )
    tags = forms.CharField(label=_("Tags"), required=False, max_length=400, help_text=_("Separated by commas."))
    steps = forms.CharField(
        label=_("Steps"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One step per line, in order."),
    )
