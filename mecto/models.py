"""Cross-cutting models: process liveness and the events outbox (tenancy bases live in mecto.tenancy)."""

from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mecto.fields import LimitedTextField
from mecto.tenancy import OrgOwned


class Heartbeat(models.Model):
    """The last time a background process (worker, beat) proved it was alive."""

    WORKER = "worker"
    BEAT = "beat"

    name = models.CharField(_("process"), max_length=32, primary_key=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def record(cls, name: str) -> None:
        cls.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})

    @property
    def is_alive(self) -> bool:
        return timezone.now() - self.seen_at < timedelta(seconds=settings.HEARTBEAT_STALE_AFTER)


# --- Events outbox ----------------------------------------------------------------------------------
class Event(OrgOwned):
    """Something that happened in a business: `client.created`, `booking.cancelled`, ...

    Written by `mecto.events.emit` inside the caller's transaction; after commit a
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
    # The client the event is about, by id: the platform knows no domain model, and the
    # timeline of a client reads its events with `client_id`.
    client_id = models.BigIntegerField(_("client"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("happened"), auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField(_("handled"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = LimitedTextField(_("last error"), blank=True, max_length=10_000)

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


# --- Sending (mecto.comms) ---------------------------------------------------------------------------
from mecto.comms.models import (  # noqa: E402, F401
    Consent,
    InboundMessage,
    OutboundMessage,
    PushSubscription,
    Suppression,
)


class OnboardingChecklist(OrgOwned):
    """Whether a business put its setup checklist away (the steps themselves are computed
    from what it has set up, see `mecto.onboarding`)."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    dismissed_at = models.DateTimeField(_("dismissed"), null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("setup checklist")
        verbose_name_plural = _("setup checklists")

    def __str__(self) -> str:
        return f"Setup checklist of {self.organization}"
