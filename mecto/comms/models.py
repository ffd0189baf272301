"""The message log, suppressions and consent: the three tables of the sending mechanism.

Models of the `mecto` app (imported by mecto/models.py). Addresses are stored normalised
(emails lower-cased, phone numbers in E.164) so a bounce, a STOP or a consent found by
one address applies to every message for it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mecto.fields import LimitedTextField
from mecto.tenancy import OrgQuerySet


class Channel(models.TextChoices):
    """The channels a person gives consent on and campaigns use (an email address, a number)."""

    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class MessageChannel(models.TextChoices):
    """The channels of the message log: push goes to a device (a `PushSubscription`), whose
    opt-in is the subscription itself, so it is no channel of consent or campaigns."""

    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    PUSH = "push", _("Push notification")


class Category(models.TextChoices):
    TRANSACTIONAL = "transactional", _("Transactional")
    MARKETING = "marketing", _("Marketing")


class OutboundMessage(models.Model):
    """One email, SMS or push notification the product sends: written in the caller's
    transaction, delivered by the worker after commit, at most once per idempotency key."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        BOUNCED = "bounced", _("Bounced")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Suppressed")
        CANCELLED = "cancelled", _("Cancelled (no longer needed)")

    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_("Empty for the platform's own mail (sign-up, password reset)."),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=MessageChannel.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.TRANSACTIONAL)
    topic = models.CharField(_("topic"), max_length=40, db_index=True)
    # An email address, an E.164 number, or a push subscription's `public_id`.
    to_address = models.CharField(_("to"), max_length=254)
    # The client the message is for, by id (the platform knows no domain model).
    client_id = models.BigIntegerField(_("client"), null=True, blank=True, db_index=True)

    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = LimitedTextField(_("text"), blank=True, max_length=200_000)
    body_html = LimitedTextField(_("HTML"), blank=True, max_length=500_000)
    from_name = models.CharField(_("sender name"), max_length=120, blank=True)
    reply_to = models.CharField(_("reply to"), max_length=254, blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text=_("Text attachments kept with the message: [{filename, content, mimetype}]."),
    )
    composer = models.CharField(
        _("composer"),
        max_length=80,
        blank=True,
        help_text=_("A registered function that renders the message when it is sent."),
    )
    context = models.JSONField(_("context"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    language = models.CharField(_("language"), max_length=16, blank=True)

    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    status_detail = models.CharField(_("detail"), max_length=500, blank=True)
    provider = models.CharField(_("provider"), max_length=32, blank=True)
    provider_id = models.CharField(_("provider id"), max_length=128, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    created_at = models.DateTimeField(_("queued"), default=timezone.now, db_index=True)
    send_after = models.DateTimeField(_("send after"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    provider_called_at = models.DateTimeField(_("handed to the provider"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("message log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "send_after"], name="outbound_due"),
            models.Index(fields=["organization", "-created_at"], name="outbound_org_recent"),
            models.Index(fields=["channel", "to_address"], name="outbound_address"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to_address} · {self.topic} · {self.status}"

    @property
    def is_final(self) -> bool:
        return self.status not in (self.Status.QUEUED, self.Status.SENDING)


class Suppression(models.Model):
    """An address that must not get some messages: a hard bounce or an SMS STOP stops
    everything; a spam report or an unsubscribe stops marketing; a topic opt-out stops
    that topic. With no organisation it applies to every business (the address bounced,
    or the number texted STOP to the shared sender)."""

    class Reason(models.TextChoices):
        HARD_BOUNCE = "hard_bounce", _("Hard bounce")
        SMS_STOP = "sms_stop", _("Replied STOP")
        SPAM_REPORT = "spam_report", _("Reported as spam")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed from marketing")
        TOPIC_OPT_OUT = "topic_opt_out", _("Opted out of a topic")

    BLOCKS_EVERYTHING = (Reason.HARD_BOUNCE, Reason.SMS_STOP)
    BLOCKS_MARKETING = (Reason.SPAM_REPORT, Reason.UNSUBSCRIBED)

    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    topic = models.CharField(_("topic"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("suppression")
        verbose_name_plural = _("suppressions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "channel", "address", "reason", "topic"],
                condition=Q(organization__isnull=False),
                name="suppression_once_per_business",
            ),
            models.UniqueConstraint(
                fields=["channel", "address", "reason", "topic"],
                condition=Q(organization__isnull=True),
                name="suppression_once_everywhere",
            ),
        ]
        indexes = [models.Index(fields=["channel", "address"], name="suppression_address")]

    def __str__(self) -> str:
        return f"{self.address} · {self.get_reason_display()}{f' ({self.topic})' if self.topic else ''}"


class Consent(models.Model):
    """Marketing consent given or withdrawn for an address, with when and how: the proof.
    The latest row for (business, channel, address) is the current answer."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254)
    granted = models.BooleanField(_("granted"))
    method = models.CharField(_("how"), max_length=200, help_text=_("e.g. intake form, signed paper form, import"))
    client_id = models.BigIntegerField(_("client"), null=True, blank=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["organization", "channel", "address", "-recorded_at"], name="consent_latest")]

    def __str__(self) -> str:
        return f"{self.address} {self.channel} {'granted' if self.granted else 'withdrawn'}"


class InboundMessage(models.Model):
    """A text a person sent to the platform's number, logged once per provider id with what
    we did about it (STOP, START, HELP). The business is the one that last texted them."""

    class Action(models.TextChoices):
        NONE = "none", _("None")
        STOPPED = "stopped", _("Stopped texts (STOP)")
        RESUMED = "resumed", _("Resumed texts (START)")
        HELPED = "helped", _("Answered HELP")

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.SMS)
    from_address = models.CharField(_("from"), max_length=254, db_index=True)
    to_address = models.CharField(_("to"), max_length=254)
    body = LimitedTextField(_("text"), blank=True, max_length=10_000)
    provider_id = models.CharField(_("provider id"), max_length=64, unique=True)
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    action = models.CharField(_("action taken"), max_length=12, choices=Action.choices, default=Action.NONE)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} from {self.from_address} · {self.get_action_display()}"


def _validate_push_endpoint(value: str) -> None:
    from .push import validate_endpoint

    validate_endpoint(value)


def _validate_push_p256dh(value: str) -> None:
    from .push import validate_p256dh

    validate_p256dh(value)


def _validate_push_auth(value: str) -> None:
    from .push import validate_auth

    validate_auth(value)


class PushSubscription(models.Model):
    """One browser or home-screen app of one person that agreed to show notifications: the
    push service's endpoint and the keys its payloads are encrypted to. The row is the
    person's opt-in on that device; turning notifications off there deletes it, and so does
    the push service answering that the subscription is gone (404/410)."""

    MAX_ENDPOINT_LENGTH = 1000

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
        verbose_name=_("person"),
    )
    # Where it was turned on; a person gets every business's notifications on their devices.
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("turned on in"),
        help_text=_("The business whose pages the person was on (for the back office only)."),
    )
    endpoint = models.URLField(
        _("endpoint"), max_length=MAX_ENDPOINT_LENGTH, unique=True, validators=[_validate_push_endpoint]
    )
    p256dh = models.CharField(_("public key (p256dh)"), max_length=120, validators=[_validate_push_p256dh])
    auth = models.CharField(_("auth secret"), max_length=40, validators=[_validate_push_auth])
    user_agent = models.CharField(_("device"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("turned on"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last notified"), null=True, blank=True)
    failure_count = models.PositiveSmallIntegerField(
        _("failures in a row"), default=0, help_text=_("Refused sends since the last one that went through.")
    )

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.user_agent or self.endpoint[:40]}"

    @property
    def push_service(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.endpoint).hostname or ""
