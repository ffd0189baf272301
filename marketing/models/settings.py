"""Per-business sending settings and the unsubscribe tokens in marketing messages."""

import secrets
from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mecto.comms.models import Channel
from mecto.tenancy import OrgOwned


def max_rate_per_minute() -> int:
    """The provider's limit: no business may send faster."""
    return int(getattr(settings, "MARKETING_MAX_RATE_PER_MINUTE", 3000))


class SendingSettings(OrgOwned):
    """How a business's marketing is paced: one row per business, created on first access."""

    quiet_start = models.TimeField(
        _("quiet hours start"), default=time(21, 0), help_text=_("No marketing text messages from this local time…")
    )
    quiet_end = models.TimeField(
        _("quiet hours end"), default=time(8, 0), help_text=_("…until this local time (the client's time zone).")
    )
    email_cap = models.PositiveSmallIntegerField(
        _("marketing emails per client per 7 days"),
        default=3,
        help_text=_("0 means no limit."),
    )
    sms_cap = models.PositiveSmallIntegerField(
        _("marketing text messages per client per 7 days"),
        default=2,
        help_text=_("0 means no limit."),
    )
    reply_to = models.EmailField(
        _("reply-to address"),
        blank=True,
        help_text=_("Replies to marketing email go here; also offered to mail apps as an unsubscribe mailbox."),
    )
    rate_per_minute = models.PositiveIntegerField(
        _("messages per minute"),
        default=1200,
        validators=[MinValueValidator(1), MaxValueValidator(max_rate_per_minute)],
        help_text=_("For the whole business: all campaigns sending at once share it."),
    )
    pause_failure_percent = models.PositiveSmallIntegerField(
        _("pause above this failure percentage"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("A campaign pauses itself when more than this share of its last 200 messages failed or bounced."),
    )
    send_log = models.JSONField(
        _("recent batches"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("[timestamp, count] of the batches of the last minute, for the shared rate."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("marketing sending settings")
        verbose_name_plural = _("marketing sending settings")
        constraints = [models.UniqueConstraint(fields=["organization"], name="one_sending_settings_per_business")]

    def __str__(self) -> str:
        return str(self.organization)

    def cap_for(self, channel: str) -> int:
        return self.email_cap if channel == Channel.EMAIL else self.sms_cap


def new_token() -> str:
    return secrets.token_urlsafe(24)


class UnsubscribeToken(OrgOwned):
    """The key in one recipient's unsubscribe link: random (unguessable), stored (so a
    business can revoke it), one per business + channel + address."""

    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token)
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("unsubscribe link")
        verbose_name_plural = _("unsubscribe links")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "channel", "address"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_unsubscribe_token_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.channel})"
