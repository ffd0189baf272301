"""Branding's step of the setup checklist (`mecto.onboarding`)."""

from django.utils.translation import gettext_lazy as _

from mecto.onboarding import Step, register_step


def brand_is_set(organization) -> bool:
    """A logo, a display name or colours of its own (not the product's defaults).

    Read from the page's one (cached) brand, not the table: the checklist shows on pages that
    already use the brand."""
    from .models import BrandSettings
    from .selectors import brand_of

    brand = brand_of(organization)
    if brand is None:
        return False
    defaults = {f.name: f.default for f in BrandSettings._meta.fields if f.name in ("primary", "accent")}
    return bool(
        brand.logo_url or brand.name != organization.name or any(getattr(brand, k) != v for k, v in defaults.items())
    )


def register() -> None:
    register_step(
        Step("brand", _("Add your brand"), "branding:settings", brand_is_set, order=10, hint=_("Logo and colours"))
    )
