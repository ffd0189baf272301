"""Money in the back office: amounts are stored in minor units (4500) but people read them
with their currency (£45.00), in list columns, read-only fields and inlines alike."""

from __future__ import annotations

from django.utils.text import capfirst

from mecto.localization import format_money

_UNIT_NOTE = " (minor units)"


def display_name(field: str) -> str:
    return f"{field}_display"


def _currency_of(obj, path: str) -> str:
    value = obj
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return ""
    return str(value)


def money_display(model, field: str, currency: str):
    """A column / read-only field showing `field` of `model` with the currency found at the
    dotted path `currency` ("currency", "invoice.currency", "organization.currency")."""
    label = str(model._meta.get_field(field).verbose_name)
    label = label.removesuffix(_UNIT_NOTE)

    def show(obj):
        amount = getattr(obj, field, None)
        code = _currency_of(obj, currency)
        if amount is None or not code:
            return "-"
        return format_money(amount, code)

    show.short_description = capfirst(label)
    show.admin_order_field = field
    return show


class MoneyAdminMixin:
    """Declare `money_fields = {"price_minor": "currency"}` (field → dotted path of its
    currency) on a ModelAdmin or an inline: wherever the field is listed (list_display,
    fields, readonly_fields) it is shown formatted, and it is never edited here as a bare
    number of minor units. Amounts change through the app's services."""

    money_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, currency in self.money_fields.items():
            setattr(self, display_name(field), money_display(self.model, field, currency))

    def _swap(self, names) -> list:
        out = []
        for name in names:
            if isinstance(name, str) and name in self.money_fields:
                name = display_name(name)
            if name not in out:
                out.append(name)
        return out

    def get_list_display(self, request):
        return self._swap(super().get_list_display(request))

    def get_readonly_fields(self, request, obj=None):
        names = self._swap(super().get_readonly_fields(request, obj))
        return [*names, *(display_name(f) for f in self.money_fields if display_name(f) not in names)]

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or []), *self.money_fields]

    def get_fields(self, request, obj=None):
        return self._swap(super().get_fields(request, obj))
