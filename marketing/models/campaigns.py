"""Who a campaign goes to: its recipients, fixed once when the send starts.

One row per campaign + client + channel (unique), so evaluating the segment again adds
no one twice; each row points at the one outbound message queued for it."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mecto.comms.models import Channel
from mecto.tenancy import OrgOwned


class CampaignRecipient(OrgOwned):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        QUEUED = "queued", _("Queued")
        SKIPPED = "skipped", _("Skipped (no address)")

    campaign = models.ForeignKey(
        "marketing.Campaign", on_delete=models.CASCADE, related_name="recipients", verbose_name=_("campaign")
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+", verbose_name=_("client"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.ForeignKey(
        "mecto.OutboundMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("message"),
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    clicked_at = models.DateTimeField(_("clicked"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign recipient")
        verbose_name_plural = _("campaign recipients")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "client", "channel"], name="campaign_recipient_once")
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="campaign_recipient_pending")]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.client_id} · {self.channel}"

    @property
    def idempotency_key(self) -> str:
        return campaign_message_key(self.campaign_id, self.client_id, self.channel)


def campaign_message_key(campaign_id: int, client_id: int, channel: str) -> str:
    return f"campaign:{campaign_id}:{client_id}:{channel}"
