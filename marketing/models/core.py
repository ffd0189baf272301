"""Marketing: message templates, segments and campaigns of one business.

Every message a campaign (or an automation) sends is an outbound message row of the
platform's sending mechanism (`mecto.comms`), one per campaign + recipient + channel, so
nothing is sent twice however often a worker restarts."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mecto.comms.models import Channel
from mecto.fields import LimitedTextField
from mecto.tenancy import OrgOwned


class MessageTemplate(OrgOwned):
    """An email (subject, preheader, blocks → HTML + text) or SMS template with merge fields."""

    name = models.CharField(_("name"), max_length=120)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    preheader = models.CharField(_("preheader"), max_length=200, blank=True)
    blocks = models.JSONField(
        _("blocks"),
        default=list,
        blank=True,
        help_text=_("The email body as a list of blocks: [{type: heading|text|button|image|divider, ...}]."),
    )
    sms_body = LimitedTextField(_("text message"), blank=True, max_length=1600)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Segment(OrgOwned):
    """A saved set of rules over client fields, evaluated afresh every time it is used."""

    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    match = models.CharField(
        _("match"), max_length=3, choices=[("all", _("All rules")), ("any", _("Any rule"))], default="all"
    )
    rules = models.JSONField(_("rules"), default=list, blank=True, help_text=_("[{field, op, value}]"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Campaign(OrgOwned):
    """A one-off or scheduled send of templates to a segment over email and/or SMS."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    name = models.CharField(_("name"), max_length=120)
    segment = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("segment")
    )
    email_template = models.ForeignKey(
        MessageTemplate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("email template"),
    )
    sms_template = models.ForeignKey(
        MessageTemplate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("SMS template"),
    )
    topic = models.CharField(_("topic"), max_length=40, default="campaigns")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    paused_reason = models.CharField(_("paused because"), max_length=300, blank=True)
    rate_per_minute = models.PositiveIntegerField(
        _("messages per minute"),
        default=1200,
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        help_text=_("The most messages this campaign queues in a minute."),
    )
    last_batch_at = models.DateTimeField(_("last batch"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "scheduled_at"], name="campaign_due")]

    def __str__(self) -> str:
        return self.name
