"""The brand page of the business's owner (with a live preview), and the logo and icon files."""

from __future__ import annotations

import re

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from mecto.branding import FONTS, HEX_COLOUR, MIN_CONTRAST, brand_for, contrast_ratio, readable_text_on
from mecto.errors import DomainError
from mecto.forms import apply_domain_error
from mecto.permissions import MemberRequiredMixin

from . import selectors, services
from .forms import BrandForm
from .models import BrandSettings

CAPABILITY = "org.manage"  # the one the business settings page asks for
FILENAME = re.compile(r"^[0-9a-f]{32}\.png$")


def _value(form, name: str, saved: str) -> str:
    """What the field shows now (the typed value on a refused post), when it is safe to use."""
    value = form.data.get(name, saved) if form.is_bound else form.initial.get(name, saved)
    return value if isinstance(value, str) else saved


def _preview(form, row, organization) -> dict:
    """The values the preview starts from; colours only when they are well-formed (they go into CSS)."""
    saved = row if row is not None else BrandSettings()

    def colour(name):
        value = _value(form, name, getattr(saved, name))
        return value.lower() if HEX_COLOUR.match(value) else getattr(saved, name)

    primary, accent = colour("primary"), colour("accent")
    font = _value(form, "font", saved.font)
    name = _value(form, "display_name", saved.display_name).strip() or organization.name
    return {
        "primary": primary,
        "primary_text": readable_text_on(primary),
        "accent": accent,
        "accent_text": readable_text_on(accent),
        "font_stack": FONTS.get(font, FONTS[saved.font])[1],
        "name": name,
        "sender": _value(form, "sender_name", saved.sender_name).strip() or name,
        "reply_to": _value(form, "reply_to", saved.reply_to),
        "footer": _value(form, "footer", saved.footer),
        "social": [(link["label"], link["url"]) for link in saved.social_links or []],
    }


def _contrasts(preview: dict) -> dict:
    def on_page(colour):
        ratio = contrast_ratio(colour, services.PAGE_BACKGROUND)
        passes = ratio >= MIN_CONTRAST
        if passes:
            text = _("%(ratio)s on white: readable") % {"ratio": services.format_ratio(ratio)}
        else:
            text = _("%(ratio)s on white: too light (at least %(min)s:1). Try %(suggestion)s.") % {
                "ratio": services.format_ratio(ratio),
                "min": f"{MIN_CONTRAST:g}",
                "suggestion": services.passing_shade(colour),
            }
        return {"text": text, "passes": passes}

    return {
        "primary": on_page(preview["primary"]),
        "accent": on_page(preview["accent"]),
        "primary_text": services.format_ratio(contrast_ratio(preview["primary_text"], preview["primary"])),
        "accent_text": services.format_ratio(contrast_ratio(preview["accent_text"], preview["accent"])),
    }


class BrandSettingsView(MemberRequiredMixin, View):
    """/settings/brand/: the owner edits the brand; the preview follows every keystroke."""

    required_capability = CAPABILITY
    template_name = "branding/settings.html"

    def _render(self, request, form, row, status=200):
        preview = _preview(form, row, request.tenant.organization)
        context = {
            "preview": preview,
            "contrast": _contrasts(preview),
            "form": form,
            "row": row,
            "brand": brand_for(request.tenant.organization),
            "logo_url": selectors.file_url(row.logo.name) if row is not None and row.logo else "",
            "icon_url": selectors.file_url(row.icon.name) if row is not None and row.icon else "",
            "fonts": {key: stack for key, (_label, stack) in FONTS.items()},
            "min_contrast": MIN_CONTRAST,
            "organization_name": request.tenant.organization.name,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        row = selectors.brand_settings_of(request.tenant.organization)
        return self._render(request, BrandForm(instance=row), row)

    def post(self, request):
        organization = request.tenant.organization
        row = selectors.brand_settings_of(organization)
        form = BrandForm(request.POST, request.FILES, instance=row)
        if form.is_valid():
            try:
                # One transaction: a refused logo leaves the colours as they were too.
                with transaction.atomic():
                    row = services.save_brand(organization=organization, actor=request.user, **form.brand_fields())
                    data = form.cleaned_data
                    if data.get("remove_logo"):
                        services.remove_logo(organization=organization, actor=request.user)
                    elif data.get("logo"):
                        services.set_logo(organization=organization, actor=request.user, file=data["logo"])
                    if data.get("remove_icon"):
                        services.remove_icon(organization=organization, actor=request.user)
                    elif data.get("icon"):
                        services.set_icon(organization=organization, actor=request.user, file=data["icon"])
            except DomainError as exc:
                apply_domain_error(form, exc)
                row = selectors.brand_settings_of(organization)
            else:
                messages.success(request, _("Brand saved."))
                return redirect("branding:settings")
        return self._render(request, form, row, status=400)


def brand_file(request, organization_id: int, filename: str):
    """A business's logo or icon, for anyone (it is on its public pages and emails).

    Only a file a brand points at is served; its random name changes with every upload, so
    it is cached for a year."""
    if not FILENAME.match(filename):
        raise Http404
    name = f"brand/{organization_id}/{filename}"
    row = BrandSettings.objects.filter(organization_id=organization_id).only("logo", "icon").first()
    if row is None or name not in (row.logo.name, row.icon.name):
        raise Http404
    field = row.logo if row.logo.name == name else row.icon
    try:
        handle = field.storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404
    response = FileResponse(handle, content_type="image/png")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response
