"""Forms for the billing pages. Amounts are typed in major units (19.99) and handed to the
services as integers in minor units (1999)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from mecto.localization import minor_units

from .models import BillingSettings, Coupon, Invoice, Payment, Plan
from .money import from_minor, to_minor
from .services import LineInput, billing_settings


class MoneyField(forms.DecimalField):
    """An amount in the currency's major unit, cleaned to an integer in minor units."""

    def __init__(self, *, currency: str, **kwargs):
        self.currency = currency
        places = minor_units(currency)
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", Decimal(1_000_000))
        super().__init__(max_digits=12, decimal_places=places, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs["step"] = str(Decimal(1).scaleb(-places)) if places else "1"

    def clean(self, value):
        amount = super().clean(value)
        if amount is None:
            return None
        return to_minor(amount, self.currency)

    def prepare_value(self, value):
        if isinstance(value, int):
            return from_minor(value, self.currency)
        return value


def _client_choices(organization):
    return Client.objects.for_org(organization).order_by("first_name", "last_name")


def coupon_code_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        label=_("Coupon code"),
        max_length=40,
        required=False,
        help_text=kwargs.pop("help_text", _("Optional. Its discount comes off before tax.")),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
        **kwargs,
    )


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=Plan.Kind.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    tax_rate = forms.DecimalField(
        label=_("Tax rate (%)"), min_value=0, max_value=100, decimal_places=2, max_digits=5, initial=0
    )
    price_includes_tax = forms.BooleanField(label=_("The price includes tax"), required=False, initial=True)
    sessions = forms.IntegerField(
        label=_("Sessions included"),
        min_value=0,
        max_value=1000,
        initial=0,
        help_text=_("For a package: sessions bought. For a membership: sessions per period."),
    )
    validity_days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=3660,
        required=False,
        help_text=_("Packages and services: leave empty if they never expire."),
    )
    interval = forms.ChoiceField(
        label=_("Billed"), choices=[("", "—"), *Plan.Interval.choices], required=False, help_text=_("Memberships only.")
    )
    trial_days = forms.IntegerField(label=_("Trial (days)"), min_value=0, max_value=365, initial=0)
    minimum_term_periods = forms.IntegerField(
        label=_("Minimum term (periods)"),
        min_value=0,
        max_value=60,
        initial=0,
        help_text=_("Memberships: how many periods a member commits to before they can cancel."),
    )
    sold_online = forms.BooleanField(label=_("Clients can buy it online (portal, app)"), required=False, initial=True)

    def __init__(self, *args, organization, instance: Plan | None = None, **kwargs):
        self.instance = instance
        currency = instance.currency if instance else organization.currency
        if instance is not None and "data" not in kwargs and not args:
            kwargs["initial"] = {
                **{name: getattr(instance, name) for name in self.base_fields if hasattr(instance, name)},
                "price_minor": instance.price_minor,
            }
        super().__init__(*args, **kwargs)
        self.fields["price_minor"] = MoneyField(
            currency=currency, label=_("Price (%(currency)s)") % {"currency": currency}, min_value=Decimal("0.01")
        )
        self.fields["trial_price_minor"] = MoneyField(
            currency=currency,
            label=_("Trial price (%(currency)s)") % {"currency": currency},
            required=False,
            help_text=_("Memberships with a trial: empty or zero for a free trial; else what the trial costs."),
        )
        if instance is not None:
            self.fields["price_minor"].initial = instance.price_minor
            self.fields["trial_price_minor"].initial = instance.trial_price_minor or None
        else:  # a new plan starts from the business's tax defaults
            row = billing_settings(organization)
            self.fields["tax_rate"].initial = row.default_tax_rate
            self.fields["price_includes_tax"].initial = row.prices_include_tax
        order = ["name", "kind", "price_minor", "tax_rate", "price_includes_tax", "description"]
        order += [name for name in self.fields if name not in order and name != "trial_price_minor"]
        order.insert(order.index("trial_days") + 1, "trial_price_minor")
        self.order_fields(order)

    def clean_trial_price_minor(self):
        return self.cleaned_data.get("trial_price_minor") or 0


class BillingSettingsForm(forms.ModelForm):
    class Meta:
        model = BillingSettings
        fields = [
            "legal_name",
            "business_address",
            "tax_number",
            "registration_details",
            "default_tax_rate",
            "prices_include_tax",
            "invoice_prefix",
            "credit_note_prefix",
            "payment_terms_days",
            "invoice_footer",
            "bank_account_holder",
            "bank_account_number",
            "bank_code",
            "reminders_enabled",
            "reminder_offsets",
        ]
        widgets = {
            "legal_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "default_tax_rate": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": 0, "max": 100}),
            "business_address": forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
            "invoice_footer": forms.Textarea(attrs={"rows": 4}),
        }

    reminder_offsets = forms.CharField(
        label=_("Reminder days"),
        required=False,
        max_length=100,
        help_text=_(
            "Days from the due date, separated by commas: negative before it, 0 on the day, positive after. "
            "For example -3, 0, 3, 7, 14 (from -30 to 90, at most 8). Sent at 9:00 your time."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_tax_rate"].required = False  # left empty: no tax
        if not self.is_bound and self.instance is not None:
            self.initial["reminder_offsets"] = ", ".join(str(v) for v in self.instance.reminder_offsets or [])

    def clean_default_tax_rate(self):
        value = self.cleaned_data.get("default_tax_rate")
        return Decimal(0) if value is None else value

    def _post_clean(self):
        pass  # the service validates


class PlanRequestForm(forms.Form):
    """A client asks for a plan (the business takes no card payments)."""

    message = forms.CharField(
        label=_("Message to your coach (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    coupon_code = forms.CharField(label=_("Coupon code (optional)"), required=False, max_length=60)


class DeclineRequestForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the client reads it)"), max_length=300)


class InvoiceLineForm(forms.Form):
    """One line of a custom charge."""

    description = forms.CharField(label=_("Description"), max_length=200)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1000, initial=1, required=False)
    tax_rate = forms.DecimalField(
        label=_("Tax rate (%)"), min_value=0, max_value=100, decimal_places=2, max_digits=5, initial=0, required=False
    )

    def __init__(self, *args, currency: str, default_tax_rate: Decimal = Decimal(0), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tax_rate"].initial = default_tax_rate
        self.fields["price"] = MoneyField(
            currency=currency, label=_("Unit price (%(currency)s)") % {"currency": currency}
        )
        self.order_fields(["description", "quantity", "price", "tax_rate"])


class BaseInvoiceLineFormSet(forms.BaseFormSet):
    """Every row is a new line: rows shown again (after "Add a line") count as new ones, so a
    blank row beyond the first is ignored rather than "required"."""

    def initial_form_count(self):
        return super().initial_form_count() if self.is_bound else 0

    def total_form_count(self):
        if self.is_bound:
            return super().total_form_count()
        return min(max(len(self.initial or []), self.min_num), self.max_num)

    def clean(self):
        super().clean()
        if not any(form.cleaned_data and not form.cleaned_data.get("DELETE") for form in self.forms):
            raise forms.ValidationError(_("Add at least one line."))


MAX_FORM_LINES = 50

InvoiceLineFormSet = forms.formset_factory(
    InvoiceLineForm,
    formset=BaseInvoiceLineFormSet,
    extra=0,
    min_num=1,
    max_num=MAX_FORM_LINES,
    absolute_max=MAX_FORM_LINES,
    validate_max=True,
    can_delete=True,
)
LINES_PREFIX = "lines"


class InvoiceForm(forms.Form):
    """A custom one-off charge: a client, as many lines as the coach adds (up to 50) and a
    note. Rows are added and removed in the browser, or without JavaScript by the "Add a
    line" button (the page comes back with one more row, nothing saved) and each row's
    "Remove" box."""

    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    tax_inclusive = forms.BooleanField(label=_("Prices include tax"), required=False, initial=True)
    memo = forms.CharField(label=_("Note to the client"), required=False, max_length=500)
    coupon_code = coupon_code_field()
    issue_now = forms.BooleanField(
        label=_("Issue and email it now"),
        required=False,
        initial=False,
        help_text=_("Leave unticked to save a draft and check it (and its PDF) before the client gets it."),
    )

    def __init__(self, *args, organization, line_rows: list[dict] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = organization.currency
        self.fields["client"].queryset = _client_choices(organization)
        row = billing_settings(organization)
        self.fields["tax_inclusive"].initial = row.prices_include_tax
        self.default_tax_rate = row.default_tax_rate
        formset_kwargs = {
            "prefix": LINES_PREFIX,
            "form_kwargs": {"currency": self.currency, "default_tax_rate": row.default_tax_rate},
        }
        if self.is_bound:
            self.lines = InvoiceLineFormSet(self.data, **formset_kwargs)
        else:
            self.lines = InvoiceLineFormSet(initial=line_rows or None, **formset_kwargs)

    @staticmethod
    def rows_from(data, *, add: int = 0, default_tax_rate: Decimal = Decimal(0)) -> list[dict]:
        """The rows typed so far (without the removed ones), plus `add` blank rows: what the
        page shows again when a line is added without JavaScript."""
        try:
            total = min(int(data.get(f"{LINES_PREFIX}-TOTAL_FORMS", 0)), MAX_FORM_LINES)
        except (TypeError, ValueError):
            total = 0
        rows = []
        for i in range(total):
            if data.get(f"{LINES_PREFIX}-{i}-DELETE"):
                continue
            rows.append({name: data.get(f"{LINES_PREFIX}-{i}-{name}", "") for name in InvoiceLineForm.base_fields})
            rows[-1]["price"] = data.get(f"{LINES_PREFIX}-{i}-price", "")
        rows += [{"quantity": 1, "tax_rate": default_tax_rate} for _ in range(add)]
        return rows[:MAX_FORM_LINES] or [{"quantity": 1, "tax_rate": default_tax_rate}]

    def is_valid(self) -> bool:
        valid = super().is_valid()
        lines_valid = self.lines.is_valid()
        if valid and lines_valid:
            self.cleaned_data["lines"] = [
                LineInput(
                    description=row["description"].strip(),
                    unit_price_minor=row["price"],
                    quantity=row.get("quantity") or 1,
                    tax_rate=row["tax_rate"] if row.get("tax_rate") is not None else self.default_tax_rate,
                    tax_inclusive=bool(self.cleaned_data.get("tax_inclusive")),
                )
                for row in self.lines.cleaned_data
                if row and not row.get("DELETE")
            ]
        return valid and lines_valid


class SellPlanForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    plan = forms.ModelChoiceField(label=_("Package or service"), queryset=Plan.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100, initial=1)
    coupon_code = coupon_code_field()
    issue_now = forms.BooleanField(
        label=_("Issue and email it now"),
        required=False,
        initial=False,
        help_text=_("Leave unticked to save a draft and check it (and its PDF) before the client gets it."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = _client_choices(organization)
        self.fields["plan"].queryset = Plan.objects.for_org(organization).active().exclude(kind=Plan.Kind.MEMBERSHIP)


class RecordPaymentForm(forms.Form):
    amount_minor = MoneyField(currency="USD", label=_("Amount"))
    method = forms.ChoiceField(
        label=_("Paid by"), choices=[(m.value, m.label) for m in Payment.Method if m in Payment.MANUAL_METHODS]
    )
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(
        label=_("Reference"), max_length=120, required=False, help_text=_("Receipt or transfer reference.")
    )

    def __init__(self, *args, invoice: Invoice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount_minor"] = MoneyField(
            currency=invoice.currency,
            label=_("Amount (%(currency)s)") % {"currency": invoice.currency},
            min_value=Decimal(1).scaleb(-minor_units(invoice.currency)),
            initial=invoice.amount_due_minor,
        )
        self.order_fields(["amount_minor", "method", "received_on", "reference"])
        self.fields["received_on"].initial = timezone.localdate(timezone=_tz(invoice))


def _tz(invoice):
    from mecto.localization import zone

    return zone(invoice.organization.time_zone)


class RefundForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, payment: Payment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount_minor"] = MoneyField(
            currency=payment.currency,
            label=_("Amount to refund (%(currency)s)") % {"currency": payment.currency},
            min_value=Decimal(1).scaleb(-minor_units(payment.currency)),
            initial=payment.refundable_minor,
        )
        self.order_fields(["amount_minor", "reason"])


class MembershipForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    plan = forms.ModelChoiceField(label=_("Membership"), queryset=Plan.objects.none())
    start_date = forms.DateField(
        label=_("Starts on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Today or up to 31 days ago. The first period is invoiced at once."),
    )
    coupon_code = coupon_code_field(
        help_text=_("Optional. Renewal invoices are discounted for as long as the coupon lasts.")
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = _client_choices(organization)
        self.fields["plan"].queryset = Plan.objects.for_org(organization).active().filter(kind=Plan.Kind.MEMBERSHIP)
        from . import periods

        self.fields["start_date"].initial = periods.local_today(organization.time_zone)


class PaymentLinkForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none())
    message = forms.CharField(
        label=_("Message"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = _client_choices(organization)
        self.fields["plan"].queryset = Plan.objects.for_org(organization).active()


class InvoiceLinkForm(forms.Form):
    message = forms.CharField(
        label=_("Message"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CouponForm(forms.Form):
    """A coupon: its code, a percentage or an amount off, how long it lasts and its limits."""

    KIND_CHOICES = [("percent", _("A percentage off")), ("amount", _("A fixed amount off"))]

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("What clients type, in any case. Letters, digits and dashes, for example WELCOME20."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Discount"), choices=KIND_CHOICES, widget=forms.RadioSelect, initial="percent")
    percent_off = forms.DecimalField(
        label=_("Percent off"),
        min_value=Decimal("0.01"),
        max_value=100,
        decimal_places=2,
        max_digits=5,
        required=False,
        help_text=_("From 0.01 to 100, for example 20 or 12.5."),
    )
    duration = forms.ChoiceField(label=_("Applies"), choices=Coupon.Duration.choices, initial=Coupon.Duration.ONCE)
    duration_periods = forms.IntegerField(
        label=_("Number of periods"),
        min_value=1,
        max_value=120,
        required=False,
        help_text=_("Memberships: how many billing periods are discounted. Card memberships count months."),
    )
    plans = forms.ModelMultipleChoiceField(
        label=_("Only for these plans"),
        queryset=Plan.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none for every plan."),
    )
    max_redemptions = forms.IntegerField(
        label=_("Uses in total"), min_value=1, required=False, help_text=_("Empty: no limit.")
    )
    per_client_limit = forms.IntegerField(
        label=_("Uses per client"), min_value=1, required=False, initial=1, help_text=_("Empty: no limit.")
    )
    expires_on = forms.DateField(
        label=_("Last day it can be used"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: it never expires. It stops at the end of that day, in your time zone."),
    )

    def __init__(self, *args, organization, instance: Coupon | None = None, **kwargs):
        self.organization = organization
        self.instance = instance
        currency = instance.currency if instance else organization.currency
        if instance is not None and "data" not in kwargs and not args:
            kwargs["initial"] = {
                "code": instance.code,
                "description": instance.description,
                "kind": "percent" if instance.percent_off is not None else "amount",
                "percent_off": instance.percent_off,
                "amount_off_minor": instance.amount_off_minor,
                "duration": instance.duration,
                "duration_periods": instance.duration_periods,
                "plans": list(instance.plans.all()),
                "max_redemptions": instance.max_redemptions,
                "per_client_limit": instance.per_client_limit,
                "expires_on": _local_day(instance.expires_at, organization) if instance.expires_at else None,
            }
        super().__init__(*args, **kwargs)
        self.fields["amount_off_minor"] = MoneyField(
            currency=currency,
            label=_("Amount off (%(currency)s)") % {"currency": currency},
            required=False,
            min_value=Decimal(1).scaleb(-minor_units(currency)),
        )
        self.fields["plans"].queryset = Plan.objects.for_org(organization).order_by("-is_active", "name")
        self.order_fields(
            ["code", "description", "kind", "percent_off", "amount_off_minor", "duration", "duration_periods"]
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == "percent":
            data["amount_off_minor"] = None
            if data.get("percent_off") is None and "percent_off" not in self.errors:
                self.add_error("percent_off", _("Give the percentage off."))
        elif data.get("kind") == "amount":
            data["percent_off"] = None
            if data.get("amount_off_minor") is None and "amount_off_minor" not in self.errors:
                self.add_error("amount_off_minor", _("Give the amount off."))
        repeating = data.get("duration") == Coupon.Duration.REPEATING
        if repeating and not data.get("duration_periods") and "duration_periods" not in self.errors:
            self.add_error("duration_periods", _("Give the number of periods."))
        return data

    def service_fields(self) -> dict:
        from . import periods

        data = self.cleaned_data
        expires_on = data.get("expires_on")
        expires_at = None
        if expires_on is not None:
            expires_at = periods.local_midnight(expires_on, self.organization.time_zone)
            expires_at = periods.add_local_days(expires_at, 1, self.organization.time_zone)
        return {
            "code": data["code"],
            "description": data.get("description", ""),
            "percent_off": data.get("percent_off"),
            "amount_off_minor": data.get("amount_off_minor"),
            "duration": data["duration"],
            "duration_periods": data.get("duration_periods"),
            "plans": list(data.get("plans") or []),
            "max_redemptions": data.get("max_redemptions"),
            "per_client_limit": data.get("per_client_limit"),
            "expires_at": expires_at,
        }


def _local_day(moment, organization):
    """The last local day a coupon expiring at `moment` (a local midnight) can be used."""
    from datetime import timedelta

    from mecto.localization import zone

    return (moment.astimezone(zone(organization.time_zone)) - timedelta(seconds=1)).date()
