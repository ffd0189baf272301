"""The one consent and suppression check, and the writes that change its answer.

Marketing needs recorded consent and no opt-out. Transactional messages ignore marketing
opt-outs but never go to a hard-bounced address or a number that texted STOP, and never
on a topic the person opted out of (booking reminders, message alerts).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mecto.events import emit, register_event_type

from .addresses import normalise
from .models import Category, Channel, Consent, MessageChannel, PushSubscription, Suppression
from .registry import topic as topic_of

register_event_type("consent.changed", "Marketing consent was given or withdrawn for an address")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""


def _normal(organization, channel: str, address: str) -> str:
    """Local phone numbers are read in the country of the business's time zone."""
    return normalise(channel, address, time_zone=getattr(organization, "time_zone", None))


def _suppressions(organization, channel: str, address: str):
    scope = Q(organization__isnull=True)
    if organization is not None:
        scope |= Q(organization=organization)
    return Suppression.objects.filter(scope, channel=channel, address=address)


def latest_consent(*, organization, channel: str, address: str) -> Consent | None:
    address = _normal(organization, channel, address)
    if organization is None or not address:
        return None
    return (
        Consent.objects.filter(organization=organization, channel=channel, address=address)
        .order_by("-recorded_at", "-id")
        .first()
    )


def check(*, organization, channel: str, address: str, category: str, topic: str) -> Verdict:
    """May this business send this message to this address now? At most two queries.
    A push goes only to a device whose subscription (the person's opt-in there) still exists."""
    address = _normal(organization, channel, address)
    if not address:
        return Verdict(False, _("No address to send to."))
    if channel == MessageChannel.PUSH and not PushSubscription.objects.filter(public_id=address).exists():
        return Verdict(False, _("Notifications are turned off on this device."))
    for row in _suppressions(organization, channel, address):
        if row.reason in Suppression.BLOCKS_EVERYTHING:
            return Verdict(False, row.get_reason_display())
        if category == Category.MARKETING and row.reason in Suppression.BLOCKS_MARKETING:
            return Verdict(False, row.get_reason_display())
        if row.reason == Suppression.Reason.TOPIC_OPT_OUT and row.topic == topic:
            return Verdict(False, _("Opted out of %(topic)s") % {"topic": topic_of(topic).label})
    if category == Category.MARKETING:
        consent = latest_consent(organization=organization, channel=channel, address=address)
        if consent is None or not consent.granted:
            return Verdict(False, _("No marketing consent recorded."))
    return Verdict(True)


def suppress(
    *, organization, channel: str, address: str, reason: str, topic: str = "", source: str = ""
) -> Suppression | None:
    """Record a suppression once (a repeated bounce or STOP changes nothing)."""
    address = _normal(organization, channel, address)
    if not address:
        return None
    try:
        with transaction.atomic():
            return Suppression.objects.create(
                organization=organization, channel=channel, address=address, reason=reason, topic=topic, source=source
            )
    except IntegrityError:
        return (
            Suppression.objects.filter(organization=organization, channel=channel, address=address, reason=reason)
            .filter(topic=topic)
            .first()
        )


def lift(*, organization, channel: str, address: str, reasons, topic: str | None = None) -> int:
    """Remove suppressions (START after STOP, a person opting back in); returns how many."""
    address = _normal(organization, channel, address)
    rows = Suppression.objects.filter(organization=organization, channel=channel, address=address, reason__in=reasons)
    if topic is not None:
        rows = rows.filter(topic=topic)
    deleted, _by_model = rows.delete()
    return deleted


def opt_out_of_topic(*, organization, channel: str, address: str, topic: str, source: str = "") -> Suppression | None:
    return suppress(
        organization=organization,
        channel=channel,
        address=address,
        reason=Suppression.Reason.TOPIC_OPT_OUT,
        topic=topic,
        source=source,
    )


def opt_in_to_topic(*, organization, channel: str, address: str, topic: str) -> int:
    return lift(
        organization=organization,
        channel=channel,
        address=address,
        reasons=[Suppression.Reason.TOPIC_OPT_OUT],
        topic=topic,
    )


def is_opted_out(*, organization, channel: str, address: str, topic: str) -> bool:
    address = _normal(organization, channel, address)
    return (
        _suppressions(organization, channel, address)
        .filter(reason=Suppression.Reason.TOPIC_OPT_OUT, topic=topic)
        .exists()
    )


def record_consent(
    *,
    organization,
    channel: str,
    address: str,
    granted: bool,
    method: str,
    recorded_by=None,
    client_id: int | None = None,
    recorded_at=None,
) -> Consent:
    """Give or withdraw marketing consent for an address; the rows are the proof.
    Withdrawing is an unsubscribe; giving it again lifts that unsubscribe."""
    if channel not in Channel.values:
        raise ValueError(f"Unknown channel {channel!r}")
    address = _normal(organization, channel, address)
    with transaction.atomic():
        consent = Consent.objects.create(
            organization=organization,
            channel=channel,
            address=address,
            granted=bool(granted),
            method=method,
            recorded_by=recorded_by if getattr(recorded_by, "is_authenticated", False) else None,
            client_id=client_id,
            recorded_at=recorded_at or timezone.now(),
        )
        if address:
            if granted:
                lift(
                    organization=organization,
                    channel=channel,
                    address=address,
                    reasons=[Suppression.Reason.UNSUBSCRIBED],
                )
            else:
                suppress(
                    organization=organization,
                    channel=channel,
                    address=address,
                    reason=Suppression.Reason.UNSUBSCRIBED,
                    source=method,
                )
        # The clients app mirrors it on the client record (an unsubscribe link, a webhook).
        emit(organization, "consent.changed", {"consent_id": consent.pk}, actor=recorded_by)
    return consent
