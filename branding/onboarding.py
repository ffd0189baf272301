"""Branding's step of the setup checklist (`mecto.onboarding`)."""

from django.utils.translation import gettext_lazy as _

from mecto.onboarding import Step, register_step


def brand_is_set(organization) -> bool:
    """A logo, a display name or colours of its own (not the product's defaults)."""
    from .models import BrandSettings

    brand = BrandSettings.objects.for_org(organization).first()
    if brand is None:
        return False
    defaults = {f.name: f.default for f in BrandSettings._meta.fields if f.name in ("primary", "accent")}
    return bool(brand.logo or brand.display_name or any(getattr(brand, k) != v for k, v in defaults.items()))


def register() -> None:
    register_step(
        Step("brand", _("Add your brand"), "branding:settings", brand_is_set, order=10, hint=_("Logo and colours"))
    )
