"""API tokens of a business: `mecto_pat_…`, stored as a SHA-256 with a lookup prefix."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mecto.tenancy import OrgOwned

RESOURCES = ("clients", "training", "booking", "billing", "nutrition", "marketing", "webhooks")
NONE, READ, WRITE = "none", "read", "write"
LEVELS = (NONE, READ, WRITE)
RESOURCE_LABELS = {
    "clients": _("Clients"),
    "training": _("Training"),
    "booking": _("Booking"),
    "billing": _("Billing"),
    "nutrition": _("Nutrition"),
    "marketing": _("Marketing"),
    "webhooks": _("Webhooks"),
}
LEVEL_LABELS = {NONE: _("No access"), READ: _("Read"), WRITE: _("Read and write")}


class ApiToken(OrgOwned):
    """A personal access token acting for its business with its creator's role, within scopes."""

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=24, db_index=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=dict)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["organization", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def level(self, resource: str) -> str:
        return self.scopes.get(resource, NONE) if resource in RESOURCES else NONE

    def allows(self, resource: str | None, write: bool) -> bool:
        level = self.level(resource) if resource else NONE
        return level == WRITE or (level == READ and not write)
