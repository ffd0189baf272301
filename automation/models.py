"""Domain events, recorded as an outbox in the same transaction as the change."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from mecto.tenancy import OrgOwned


class Event(OrgOwned):
    """Something that happened in a business: `client.created`, `booking.cancelled`, ...

    Written by `automation.events.emit` inside the caller's transaction; after commit a
    task hands it to every subscribed handler exactly once.
    """

    name = models.CharField(_("event"), max_length=64, db_index=True)
    payload = models.JSONField(_("payload"), default=dict, encoder=DjangoJSONEncoder)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("client"),
    )
    created_at = models.DateTimeField(_("happened"), auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField(_("handled"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="event_org_recent"),
            models.Index(fields=["dispatched_at", "created_at"], name="event_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"


class EventDelivery(models.Model):
    """One handler's receipt of one event: the unique pair makes handling exactly-once."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    handler = models.CharField(_("handler"), max_length=200)
    delivered_at = models.DateTimeField(_("delivered"), auto_now_add=True)

    class Meta:
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        constraints = [models.UniqueConstraint(fields=["event", "handler"], name="event_delivery_once")]

    def __str__(self) -> str:
        return f"{self.event} → {self.handler}"
