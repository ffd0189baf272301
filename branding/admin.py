from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mecto.images import ImageError, clean_icon, clean_logo

from . import selectors, services
from .admin_domains import CustomDomainAdmin  # noqa: F401  (custom domains' back office)
from .models import BrandSettings


class BrandSettingsAdminForm(forms.ModelForm):
    """The back office edits a brand through the same checks as the owner's page."""

    new_logo = forms.FileField(label=_("Replace the logo"), required=False)
    new_icon = forms.FileField(label=_("Replace the icon"), required=False)

    class Meta:
        model = BrandSettings
        fields = ["organization", *services.FIELDS]

    def clean(self):
        data = super().clean()
        _cleaned, errors = services.validate_brand({name: data[name] for name in services.FIELDS if name in data})
        for field, messages in errors.items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        # The pictures are checked here too, so a bad file is a form error, not a failed save.
        for field, clean in (("new_logo", clean_logo), ("new_icon", clean_icon)):
            if data.get(field):
                try:
                    clean(data[field], field=field)
                except ImageError as exc:
                    self.add_error(field, exc.message)
        return data


@admin.register(BrandSettings)
class BrandSettingsAdmin(admin.ModelAdmin):
    form = BrandSettingsAdminForm
    list_display = ["logo_thumbnail", "organization", "display_name", "primary", "accent", "font", "updated_at"]
    list_display_links = ["logo_thumbnail", "organization"]
    list_filter = ["font", ("logo", admin.EmptyFieldListFilter), "updated_at"]
    search_fields = ["organization__name", "display_name", "sender_name", "reply_to"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization"]
    readonly_fields = ["logo_preview", "icon_preview", "primary_text", "accent_text", "updated_by", "updated_at"]
    fieldsets = [
        (None, {"fields": ["organization", "display_name"]}),
        (_("Colours and font"), {"fields": ["primary", "primary_text", "accent", "accent_text", "font"]}),
        (_("Logo and icon"), {"fields": ["logo_preview", "new_logo", "icon_preview", "new_icon"]}),
        (_("Emails"), {"fields": ["sender_name", "reply_to", "footer", "social_links"]}),
        (_("Sections clients see"), {"fields": ["features"]}),
        (_("Changes"), {"fields": ["updated_by", "updated_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # A brand stays with its business: the organisation is chosen once, when it is added.
        return [*self.readonly_fields, "organization"] if obj is not None else self.readonly_fields

    @admin.display(description=_("logo"))
    def logo_thumbnail(self, obj):
        if not obj.logo:
            return "—"
        return format_html('<img src="{}" alt="" height="32">', selectors.file_url(obj.logo.name))

    @admin.display(description=_("logo"))
    def logo_preview(self, obj):
        if obj is None or not obj.logo:
            return _("No logo")
        return format_html(
            '<img src="{}" alt="" height="{}"> {}×{}',
            selectors.file_url(obj.logo.name),
            min(obj.logo_height or 100, 100),
            obj.logo_width or "?",
            obj.logo_height or "?",
        )

    @admin.display(description=_("icon"))
    def icon_preview(self, obj):
        if obj is None or not obj.icon:
            return _("No icon")
        return format_html('<img src="{}" alt="" width="64" height="64">', selectors.file_url(obj.icon.name))

    def save_model(self, request, obj, form, change):
        organization = form.cleaned_data.get("organization") or obj.organization
        fields = {name: form.cleaned_data[name] for name in services.FIELDS if name in form.cleaned_data}
        with transaction.atomic():
            row = services.save_brand(organization=organization, actor=request.user, **fields)
            if form.cleaned_data.get("new_logo"):
                row = services.set_logo(
                    organization=organization, actor=request.user, file=form.cleaned_data["new_logo"]
                )
            if form.cleaned_data.get("new_icon"):
                row = services.set_icon(
                    organization=organization, actor=request.user, file=form.cleaned_data["new_icon"]
                )
        obj.pk = row.pk  # the admin's "saved" message and redirect name this row
        obj.refresh_from_db()
