import re
from datetime import time
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from clients.models import Client
from mecto.localization import CURRENCY_CHOICES, minor_units, time_zone_choices

from .models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingPolicy,
    CoachProfile,
    ServiceType,
    Session,
)

INTERVAL = re.compile(r"^\s*(\d{1,2})[:.h]?(\d{2})?\s*[-–]\s*(\d{1,2})[:.h]?(\d{2})?\s*$")


def parse_intervals(text: str) -> list[tuple[time, time]]:
    """'09:00-12:00, 13:30-17:00' -> [(09:00, 12:00), (13:30, 17:00)]."""
    out = []
    for part in [p for p in re.split(r"[,;\n]", text or "") if p.strip()]:
        match = INTERVAL.match(part)
        if not match:
            raise forms.ValidationError(_("Write hours like 09:00-12:00, 13:00-17:00."))
        h1, m1, h2, m2 = (int(g or 0) for g in match.groups())
        if h2 == 24 and m2 == 0:
            h2, m2 = 23, 59
        if not (0 <= h1 < 24 and 0 <= h2 < 24 and 0 <= m1 < 60 and 0 <= m2 < 60):
            raise forms.ValidationError(_("“%(part)s” is not a time of day.") % {"part": part.strip()})
        start, end = time(h1, m1), time(h2, m2)
        if end <= start:
            raise forms.ValidationError(_("“%(part)s” ends before it starts.") % {"part": part.strip()})
        out.append((start, end))
    return out


def format_intervals(rules) -> str:
    return ", ".join(f"{r.start_time:%H:%M}-{r.end_time:%H:%M}" for r in rules)


class MoneyField(forms.DecimalField):
    """A price typed in major units (19.99), kept as minor units (1999)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)


class TeamMembersField(forms.ModelMultipleChoiceField):
    """Team members by id; a value that cannot be an id is refused before the database sees it."""

    def _check_values(self, value):
        for pk in value:
            pk = str(pk)
            if not (pk.isascii() and pk.isdigit() and len(pk) <= 18):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


def to_minor(value, currency: str) -> int:
    return int(round((value or 0) * (10 ** minor_units(currency))))


def from_minor(value: int, currency: str):
    from decimal import Decimal

    return Decimal(value or 0) / (Decimal(10) ** minor_units(currency))


class WeeklyHoursForm(forms.Form):
    """One text field per weekday: several intervals a day, comma-separated."""

    def __init__(self, *args, rules=None, **kwargs):
        super().__init__(*args, **kwargs)
        by_day = {}
        for rule in rules or []:
            by_day.setdefault(rule.weekday, []).append(rule)
        for weekday, label in AvailabilityRule.Weekday.choices:
            self.fields[f"day_{weekday}"] = forms.CharField(
                label=label,
                required=False,
                initial=format_intervals(by_day.get(weekday, [])),
                help_text=_("e.g. 09:00-12:00, 13:00-17:00; empty for a day off") if weekday == 0 else "",
            )

    def intervals(self) -> list[tuple[int, time, time]]:
        out = []
        for weekday, _label in AvailabilityRule.Weekday.choices:
            for start, end in self.cleaned_data.get(f"day_{weekday}") or []:
                out.append((weekday, start, end))
        return out

    def clean(self):
        cleaned = super().clean()
        for weekday, _label in AvailabilityRule.Weekday.choices:
            key = f"day_{weekday}"
            if key in cleaned:
                try:
                    cleaned[key] = parse_intervals(cleaned[key])
                except forms.ValidationError as exc:
                    self.add_error(key, exc)
        return cleaned


class ExceptionForm(forms.ModelForm):
    class Meta:
        model = AvailabilityException
        fields = ["date", "kind", "start_time", "end_time", "note"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
        }
        help_texts = {"start_time": _("Leave the times empty for a whole day off.")}

    def _post_clean(self):
        pass  # the service validates


class CoachProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices, label=_("Time zone"))

    class Meta:
        model = CoachProfile
        fields = [
            "time_zone",
            "accepts_bookings",
            "min_notice_minutes",
            "max_days_ahead",
            "slot_step_minutes",
            "video_provider",
            "slug",
            "bio",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        pass


class ServiceTypeForm(forms.ModelForm):
    price = MoneyField(label=_("Price"), required=False, initial=0)
    deposit = MoneyField(label=_("Deposit"), required=False, initial=0, help_text=_("Only for “deposit at booking”."))
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES, label=_("Currency"))
    coaches = TeamMembersField(
        queryset=User.objects.none(), label=_("Coaches"), widget=forms.CheckboxSelectMultiple, required=True
    )

    class Meta:
        model = ServiceType
        fields = [
            "name",
            "description",
            "duration_minutes",
            "location_type",
            "address",
            "capacity",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "payment_requirement",
            "tax_rate",
            "is_public",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    field_order = [
        "name",
        "description",
        "duration_minutes",
        "location_type",
        "address",
        "capacity",
        "buffer_before_minutes",
        "buffer_after_minutes",
        "price",
        "currency",
        "tax_rate",
        "payment_requirement",
        "deposit",
        "coaches",
        "is_public",
    ]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coaches"].queryset = User.objects.for_org(organization).order_by("full_name", "email")
        self.fields["tax_rate"].required = False  # empty means no tax
        instance = self.instance
        if instance.pk:
            self.fields["price"].initial = from_minor(instance.price_minor, instance.currency)
            self.fields["deposit"].initial = from_minor(instance.deposit_minor, instance.currency)
            self.fields["currency"].initial = instance.currency
            self.fields["coaches"].initial = list(instance.coaches.all())
        else:
            self.fields["currency"].initial = organization.currency

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields}
        currency = self.cleaned_data["currency"]
        data["currency"] = currency
        data["price_minor"] = to_minor(self.cleaned_data.get("price"), currency)
        data["deposit_minor"] = to_minor(self.cleaned_data.get("deposit"), currency)
        data["tax_rate"] = self.cleaned_data.get("tax_rate") or Decimal("0")
        return data


class PolicyForm(forms.ModelForm):
    reminders = forms.CharField(
        label=_("Reminders (hours before)"),
        required=False,
        help_text=_("Comma-separated, e.g. 24, 2. Empty for no reminders."),
    )
    late_cancel_fee = MoneyField(
        label=_("Late cancel fee"),
        required=False,
        initial=0,
        help_text=_("Charged for a late cancel of a session not paid with a credit."),
    )

    class Meta:
        model = BookingPolicy
        fields = [
            "public_booking_enabled",
            "booking_page_intro",
            "cancellation_deadline_hours",
            "late_cancel_forfeits_credit",
            "no_show_forfeits_credit",
            "remind_by_email",
            "remind_by_sms",
            "payment_hold_minutes",
            "waitlist_hold_minutes",
        ]
        widgets = {"booking_page_intro": forms.Textarea(attrs={"rows": 3})}

    # Each rule next to the ones it goes with: the page, cancellations, reminders, payment.
    field_order = [
        "public_booking_enabled",
        "booking_page_intro",
        "cancellation_deadline_hours",
        "late_cancel_forfeits_credit",
        "late_cancel_fee",
        "no_show_forfeits_credit",
        "reminders",
        "remind_by_email",
        "remind_by_sms",
        "payment_hold_minutes",
        "waitlist_hold_minutes",
    ]

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.fields["late_cancel_fee"].label = _("Late cancel fee (%(currency)s)") % {"currency": currency}
        offsets = self.instance.reminder_offsets_minutes or []
        self.fields["reminders"].initial = ", ".join(f"{o / 60:g}" for o in sorted(offsets, reverse=True))
        self.fields["late_cancel_fee"].initial = from_minor(self.instance.late_cancel_fee_minor, currency)
        # Left empty (or not sent by an older page), the class waitlist hold stays as it is.
        self.fields["waitlist_hold_minutes"].required = False

    def clean_reminders(self):
        out = []
        for part in [p.strip() for p in (self.cleaned_data.get("reminders") or "").split(",") if p.strip()]:
            try:
                hours = float(part)
            except ValueError:
                raise forms.ValidationError(_("Write hours as numbers, e.g. 24, 2.")) from None
            out.append(int(round(hours * 60)))
        return out

    def _post_clean(self):
        pass

    def policy_fields(self) -> dict:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields}
        data["reminder_offsets_minutes"] = self.cleaned_data["reminders"]
        data["late_cancel_fee_minor"] = to_minor(self.cleaned_data.get("late_cancel_fee"), self.currency)
        if data.get("waitlist_hold_minutes") is None:
            data["waitlist_hold_minutes"] = self.instance.waitlist_hold_minutes or 120
        return data


class ManualBookingForm(forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.none(), label=_("Client"))
    service = forms.ModelChoiceField(queryset=ServiceType.objects.none(), label=_("Service"))
    coach = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Coach"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    repeat_weeks = forms.IntegerField(
        label=_("Repeat weekly for (weeks)"),
        min_value=1,
        max_value=52,
        initial=1,
        help_text=_("1 books a single session; more creates recurring weekly sessions."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.for_org(organization).order_by("first_name", "last_name")
        self.fields["service"].queryset = ServiceType.objects.for_org(organization).bookable()
        self.fields["coach"].queryset = User.objects.for_org(organization).order_by("full_name", "email")


class MoveSessionForm(forms.Form):
    date = forms.DateField(label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    time = forms.TimeField(label=_("New time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    anyway = forms.BooleanField(
        label=_("Move it even outside working hours or inside the notice period"),
        required=False,
        help_text=_("Without this, the move follows the rules a client's booking meets, as the calendar does."),
    )


class SessionNotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Session notes"),
        required=False,
        max_length=Session._meta.get_field("notes").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PublicDetailsForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    note = forms.CharField(
        label=_("Anything your coach should know?"),
        required=False,
        max_length=Booking._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    email_consent = forms.BooleanField(required=False)
    email_wording = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, email_wording=None, **kwargs):
        """`email_wording` (a `mecto.optin.Wording`): the text of the optional "news and offers"
        box, recorded as shown; without one there is no box."""
        super().__init__(*args, **kwargs)
        if email_wording is None:
            del self.fields["email_consent"], self.fields["email_wording"]
        else:
            self.fields["email_consent"].label = email_wording.text
            self.fields["email_consent"].help_text = _("We email you a link to confirm first.")
            self.fields["email_wording"].initial = email_wording.id


class PortalDetailsForm(forms.Form):
    """A signed-in client books as themselves: only the note is asked."""

    note = forms.CharField(
        label=_("Anything your coach should know?"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=255)


class GrantCreditsForm(forms.Form):
    quantity = forms.IntegerField(label=_("Credits"), min_value=1, max_value=1000)
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for credits that never expire."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_expires_on(self):
        expires_on = self.cleaned_data.get("expires_on")
        if expires_on and self.today and expires_on < self.today:
            raise forms.ValidationError(_("This date has passed. Choose a later date, or none."))
        if expires_on and expires_on.year > 2100:
            raise forms.ValidationError(_("Choose a date before 2100, or none."))
        return expires_on
