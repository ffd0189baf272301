"""The brand settings form: every field the owner edits on the brand page, checked with the
same rules as the service (`validate_brand`), so every problem shows beside its field at once."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mecto.branding import FEATURES, FONTS, MIN_CONTRAST

from .models import BrandSettings
from .services import MAX_FOOTER, MAX_SOCIAL_LINKS, SOCIAL_NETWORKS, validate_brand

BRAND_FIELDS = ("display_name", "primary", "accent", "font", "sender_name", "reply_to", "footer", "features")


class _NoWidget(forms.Widget):
    """A field whose inputs the template draws itself (the social link rows)."""

    def render(self, name, value, attrs=None, renderer=None):
        return ""

    def value_from_datadict(self, data, files, name):
        return None


def _colour_input() -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "pattern": "#[0-9a-fA-F]{6}",
            "spellcheck": "false",
            "autocomplete": "off",
            "inputmode": "text",
            "class": "colour-hex",
            "data-brand-colour": "",
        }
    )


class BrandForm(forms.Form):
    display_name = forms.CharField(
        label=_("Name clients see"),
        max_length=120,
        required=False,
        help_text=_("Leave empty to use the business's name."),
    )
    primary = forms.CharField(
        label=_("Primary colour"),
        max_length=7,
        widget=_colour_input(),
        help_text=_("Buttons, the current menu item, links. Must read on white (%(min)s:1 or more).")
        % {"min": f"{MIN_CONTRAST:g}"},
    )
    accent = forms.CharField(
        label=_("Accent colour"),
        max_length=7,
        widget=_colour_input(),
        help_text=_("Headings and highlights. Must read on white as well."),
    )
    font = forms.ChoiceField(label=_("Font"), choices=[(key, label) for key, (label, _stack) in FONTS.items()])
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=_("PNG (a transparent background is kept), JPEG or WebP; shown at most 600×200 pixels."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    icon = forms.FileField(
        label=_("App icon"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=_("A square picture of at least 128×128 pixels: the app icon and the browser tab icon."),
    )
    remove_icon = forms.BooleanField(label=_("Remove the icon"), required=False)
    sender_name = forms.CharField(
        label=_("Email sender name"),
        max_length=100,
        required=False,
        help_text=_("The “From” name of your emails. Leave empty to use the name above."),
    )
    reply_to = forms.CharField(
        label=_("Reply-to address"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Where clients' replies to your emails go."),
    )
    footer = forms.CharField(
        label=_("Footer"),
        max_length=MAX_FOOTER,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Plain text under your emails and pages: address, opening hours (%(max)s characters at most).")
        % {"max": MAX_FOOTER},
    )
    features = forms.MultipleChoiceField(
        label=_("Sections clients see"),
        choices=list(FEATURES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Home and account settings are always shown."),
    )
    social_links = forms.Field(label=_("Social links"), required=False, widget=_NoWidget)

    def __init__(self, *args, instance: BrandSettings | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(instance, name) for name in BRAND_FIELDS}
        elif "initial" not in kwargs:
            defaults = BrandSettings()
            kwargs["initial"] = {name: getattr(defaults, name) for name in BRAND_FIELDS}
        super().__init__(*args, **kwargs)
        for name in ("primary", "accent"):
            # Longer input is refused with a reason rather than cut off while typing or pasting.
            self.fields[name].widget.attrs.pop("maxlength", None)
        self.fields["primary"].widget.attrs["aria-describedby"] = "primary-contrast"
        self.fields["accent"].widget.attrs["aria-describedby"] = "accent-contrast"
        for name in ("display_name", "sender_name", "reply_to", "footer", "font"):
            self.fields[name].widget.attrs["data-brand-preview"] = name

    # The social link rows: `social_label_<n>` and `social_url_<n>`, n from 0.
    def social_rows(self) -> list[dict]:
        if self.is_bound:
            rows = [
                {"label": self.data.get(f"social_label_{n}", ""), "url": self.data.get(f"social_url_{n}", "")}
                for n in range(MAX_SOCIAL_LINKS)
            ]
        else:
            saved = list(self.instance.social_links or []) if self.instance is not None else []
            rows = saved + [{"label": "", "url": ""}] * (MAX_SOCIAL_LINKS - len(saved))
        return [{"n": n, **row} for n, row in enumerate(rows[:MAX_SOCIAL_LINKS])]

    @staticmethod
    def social_networks() -> tuple[str, ...]:
        return SOCIAL_NETWORKS

    def clean(self):
        data = super().clean()
        links = []
        for row in self.social_rows():
            label, url = (row["label"] or "").strip(), (row["url"] or "").strip()
            if label or url:
                links.append({"label": label, "url": url})
        data["social_links"] = links
        checked = {name: data[name] for name in (*BRAND_FIELDS, "social_links") if name in data}
        cleaned, errors = validate_brand(checked)
        for field, messages in errors.items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        data.update(cleaned)
        return data

    def brand_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in (*BRAND_FIELDS, "social_links") if name in self.cleaned_data}
