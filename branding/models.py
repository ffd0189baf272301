"""A business's brand (name, logo, colours, font, sender identity, footer, social links,
feature toggles) and the host names it serves its client-facing pages on."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mecto.branding import DEFAULT_FONT, FEATURES, FONTS
from mecto.fields import LimitedTextField
from mecto.tenancy import OrgOwned


def _brand_upload_path(instance, filename: str) -> str:
    # Public files (a logo is shown to strangers) under a random name: a new upload never reuses a cached URL.
    return f"brand/{instance.organization_id}/{uuid.uuid4().hex}.png"


def _all_features() -> list[str]:
    return sorted(FEATURES)


class BrandSettings(OrgOwned):
    """What a business saved about its brand; `branding.selectors.brand_of` turns it into the
    platform's `Brand`. Colours are stored with the text colour that reads on them."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    logo = models.FileField(_("logo"), upload_to=_brand_upload_path, max_length=200, blank=True)
    logo_width = models.PositiveIntegerField(_("logo width"), null=True, blank=True)
    logo_height = models.PositiveIntegerField(_("logo height"), null=True, blank=True)
    icon = models.FileField(_("icon"), upload_to=_brand_upload_path, max_length=200, blank=True)
    primary = models.CharField(_("primary colour"), max_length=7, default="#15803d")
    primary_text = models.CharField(_("text on primary"), max_length=7, default="#ffffff")
    accent = models.CharField(_("accent colour"), max_length=7, default="#1d4ed8")
    accent_text = models.CharField(_("text on accent"), max_length=7, default="#ffffff")
    font = models.CharField(
        _("font"), max_length=20, default=DEFAULT_FONT, choices=[(key, label) for key, (label, _stack) in FONTS.items()]
    )
    sender_name = models.CharField(_("email sender name"), max_length=100, blank=True)
    reply_to = models.EmailField(_("reply-to address"), blank=True)
    footer = LimitedTextField(_("footer"), max_length=500, blank=True)
    social_links = models.JSONField(_("social links"), default=list, blank=True)
    features = models.JSONField(_("sections clients see"), default=_all_features, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["organization"]

    def __str__(self) -> str:
        return self.display_name or str(self.organization_id)


class CustomDomain(OrgOwned):
    """A host name (e.g. coach.example.com) the business serves its client-facing pages and
    API on, once its DNS TXT record proves the business controls it."""

    hostname = models.CharField(_("host name"), max_length=253, unique=True)
    verification_token = models.CharField(max_length=64, unique=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    is_primary = models.BooleanField(_("used in links"), default=False)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    check_error = models.CharField(_("last check"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("custom domain")
        verbose_name_plural = _("custom domains")
        ordering = ["organization", "hostname"]
        constraints = [
            # One domain per business is used in its links.
            models.UniqueConstraint(
                fields=["organization"], condition=models.Q(is_primary=True), name="branding_one_primary_domain"
            ),
        ]

    def __str__(self) -> str:
        return self.hostname
