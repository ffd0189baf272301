"""Clients of a coaching business, from lead to former client."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from mecto.localization import METRIC, UNIT_SYSTEM_CHOICES, validate_time_zone
from mecto.tenancy import OrgOwned


class Client(OrgOwned):
    """A person coached by the business. `public_id` addresses them on client-facing pages."""

    class Status(models.TextChoices):
        LEAD = "lead", _("Lead")
        TRIAL = "trial", _("Trial")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        FORMER = "former", _("Former")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.LEAD)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coached_clients",
        verbose_name=_("coach"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="client_profiles",
        verbose_name=_("portal account"),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_time_zone])
    unit_system = models.CharField(_("units"), max_length=8, choices=UNIT_SYSTEM_CHOICES, default=METRIC)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["first_name", "last_name", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "organization", condition=~Q(email=""), name="client_unique_email_per_org"
            ),
            models.UniqueConstraint(
                fields=["organization", "user"], condition=Q(user__isnull=False), name="client_unique_user_per_org"
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="client_org_status")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)
