import json

from allauth.account.forms import SignupForm
from django import forms
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mecto.localization import CURRENCY_CHOICES, UNIT_SYSTEM_CHOICES, time_zone_choices, time_zone_currencies

from . import services
from .models import Membership, Organization
from .passwords import check_new_password


def time_zone_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, initial="UTC", **kwargs)


def start_from_browser_time_zone(form: forms.Form) -> None:
    """A new business starts in the browser's time zone and its currency (static/js/app.js fills
    them in before the person picks); the choices are still checked here, as for any value."""
    if form.is_bound:
        return
    form.fields["time_zone"].widget.attrs["data-browser-time-zone"] = ""
    form.fields["currency"].widget.attrs["data-zone-currencies"] = json.dumps(time_zone_currencies())


class BusinessFieldsMixin(forms.Form):
    business_name = forms.CharField(label=_("Business name"), max_length=120)
    time_zone = time_zone_field(help_text=_("Sessions and reminders are scheduled in this zone."))
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES, initial="USD")
    unit_system = forms.ChoiceField(label=_("Units"), choices=UNIT_SYSTEM_CHOICES, initial="metric")


class BusinessSignupForm(SignupForm):
    """Sign-up of a new business: the owner's account and the organisation together."""

    full_name = forms.CharField(label=_("Your name"), max_length=150)
    business_name = BusinessFieldsMixin.base_fields["business_name"]
    time_zone = BusinessFieldsMixin.base_fields["time_zone"]
    currency = BusinessFieldsMixin.base_fields["currency"]
    unit_system = BusinessFieldsMixin.base_fields["unit_system"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        start_from_browser_time_zone(self)

    field_order = [
        "full_name",
        "email",
        "password1",
        "password2",
        "business_name",
        "time_zone",
        "currency",
        "unit_system",
    ]

    def clean(self):
        data = super().clean()
        # allauth checked the password against the email; the name is one of ours.
        password = data.get("password1")
        if password and not self.has_error("password1"):
            try:
                check_new_password(password, email=data.get("email") or "", full_name=data.get("full_name") or "")
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data

    def save(self, request):
        with transaction.atomic():
            user = super().save(request)
            user.full_name = self.cleaned_data["full_name"].strip()
            user.time_zone = self.cleaned_data["time_zone"]
            user.unit_system = self.cleaned_data["unit_system"]
            user.save(update_fields=["full_name", "time_zone", "unit_system"])
            services.create_organization(
                owner=user,
                name=self.cleaned_data["business_name"],
                time_zone=self.cleaned_data["time_zone"],
                currency=self.cleaned_data["currency"],
                unit_system=self.cleaned_data["unit_system"],
            )
        return user


class CreateOrganizationForm(BusinessFieldsMixin):
    """For a person who signed in (for example with Google) and has no business yet."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        start_from_browser_time_zone(self)


class OrganizationSettingsForm(forms.ModelForm):
    time_zone = time_zone_field()

    class Meta:
        model = Organization
        fields = ["name", "time_zone", "currency", "unit_system", "language"]
        labels = {"language": _("Default language")}


def language_choices() -> list[tuple[str, str]]:
    """Each language in its own name ("Español", "Deutsch"): found by those who cannot read the page."""
    from django.utils.translation import get_language_info

    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class LanguageForm(forms.Form):
    """The language switcher: a person's own language, or their business's default."""

    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The business's default")), *language_choices()]


class InviteMemberForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.COACH)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        return data
