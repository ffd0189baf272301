"""Outgoing webhooks: a business's endpoints, the delivery chain of each event to each
endpoint, and one log row per attempt (see "Outgoing webhooks" in docs/integrations.md)."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mecto.crypto import EncryptedTextField
from mecto.fields import LimitedTextField
from mecto.tenancy import OrgOwned


class WebhookEndpoint(OrgOwned):
    """A URL of the business that receives signed events (Standard Webhooks)."""

    url = models.URLField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("events"), default=list, blank=True, help_text=_("Empty: every event."))
    secret = EncryptedTextField(blank=True, max_length=512, validators=[MaxLengthValidator(512)])
    previous_secret = EncryptedTextField(blank=True, max_length=512, validators=[MaxLengthValidator(512)])
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=300, blank=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["organization", "-created_at"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_name: str) -> bool:
        return not self.event_types or event_name in self.event_types


class WebhookDelivery(OrgOwned):
    """One event on its way to one endpoint: the chain of attempts and its state."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey("mecto.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    event_type = models.CharField(_("event"), max_length=100)
    message_id = models.CharField(_("message id"), max_length=64, unique=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    emitted_at = models.DateTimeField(_("emitted"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event"], condition=models.Q(event__isnull=False), name="webhook_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"


class WebhookAttempt(OrgOwned):
    """One HTTP request of a delivery and what came back."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    request_headers = models.JSONField(default=dict)
    request_body = LimitedTextField(blank=True, max_length=100_000)
    response_status = models.PositiveSmallIntegerField(_("response"), null=True, blank=True)
    response_body = LimitedTextField(_("response body"), blank=True, max_length=2048)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.response_status or self.error[:40]}"

    @property
    def ok(self) -> bool:
        return self.response_status is not None and 200 <= self.response_status < 300
