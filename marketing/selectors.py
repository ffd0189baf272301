"""Reads of marketing worth naming: campaign lists, progress and reports."""

from __future__ import annotations

from django.db.models import Count, Min, Q, QuerySet

from mecto.comms.models import Channel, Consent, InboundMessage, OutboundMessage, Suppression

from .models import Campaign, CampaignRecipient

M = OutboundMessage.Status
R = CampaignRecipient.Status
OUT = [M.SENT, M.DELIVERED]
FAILED = [M.FAILED, M.BOUNCED]


def campaigns(*, organization) -> QuerySet[Campaign]:
    """The business's campaigns with their segment, templates and recipient counts."""
    return (
        Campaign.objects.for_org(organization)
        .select_related("segment", "email_template", "sms_template")
        .annotate(
            recipient_count=Count("recipients"),
            pending_count=Count("recipients", filter=Q(recipients__status=R.PENDING)),
            sent_count=Count("recipients", filter=Q(recipients__message__status__in=OUT)),
            failed_count=Count("recipients", filter=Q(recipients__message__status__in=FAILED)),
        )
        .order_by("-created_at", "-id")
    )


def progress_from_counts(campaign: Campaign) -> dict:
    """Progress from the counts `campaigns()` annotates (queued but undelivered count as sent)."""
    total, pending = campaign.recipient_count, campaign.pending_count
    done = total - pending
    return {
        "total": total,
        "sent": campaign.sent_count,
        "remaining": pending,
        "failed": campaign.failed_count,
        "skipped": 0,
        "percent": round(100 * done / total) if total else 0,
        "finished": pending == 0,
    }


def campaign_progress(*, campaign: Campaign) -> dict:
    """total / sent / remaining / failed / skipped and the share done, in one query."""
    rows = CampaignRecipient.objects.filter(campaign=campaign).aggregate(
        total=Count("id"),
        pending=Count("id", filter=Q(status=R.PENDING)),
        in_flight=Count("id", filter=Q(message__status__in=[M.QUEUED, M.SENDING])),
        sent=Count("id", filter=Q(message__status__in=OUT)),
        failed=Count("id", filter=Q(message__status__in=FAILED)),
        skipped=Count("id", filter=Q(status=R.SKIPPED) | Q(message__status__in=[M.SUPPRESSED, M.CANCELLED])),
    )
    total = rows["total"]
    remaining = rows["pending"] + rows["in_flight"]
    done = total - remaining
    return {
        "total": total,
        "sent": rows["sent"],
        "remaining": remaining,
        "failed": rows["failed"],
        "skipped": rows["skipped"],
        "percent": round(100 * done / total) if total else 0,
        "finished": campaign.status in (Campaign.Status.SENT, Campaign.Status.CANCELLED)
        and remaining == 0
        or campaign.status in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED, Campaign.Status.PAUSED)
        and rows["in_flight"] == 0,
    }


def campaign_report(*, campaign: Campaign) -> dict:
    """What the providers reported: delivered, opened, clicked, bounced, unsubscribed, replies."""
    recipients = CampaignRecipient.objects.filter(campaign=campaign)
    rows = recipients.aggregate(
        total=Count("id"),
        sent=Count("id", filter=Q(message__status__in=[M.SENT, M.DELIVERED, M.BOUNCED])),
        delivered=Count("id", filter=Q(message__status=M.DELIVERED)),
        opened=Count("id", filter=Q(opened_at__isnull=False)),
        clicked=Count("id", filter=Q(clicked_at__isnull=False)),
        bounced=Count("id", filter=Q(message__status=M.BOUNCED)),
        failed=Count("id", filter=Q(message__status=M.FAILED)),
        suppressed=Count("id", filter=Q(message__status=M.SUPPRESSED) | Q(status=R.SKIPPED)),
        first_sent=Min("message__sent_at"),
    )
    since = rows.pop("first_sent") or campaign.started_at
    rows["unsubscribed"] = _unsubscribed(campaign, recipients, since)
    rows["replies"] = _replies(campaign, recipients, since)
    sent = rows["sent"] or 0
    rows["rates"] = {
        name: round(100 * rows[name] / sent) if sent else 0
        for name in ("delivered", "opened", "clicked", "bounced", "unsubscribed", "replies")
    }
    return rows


def _unsubscribed(campaign, recipients, since) -> int:
    """Recipients who withdrew consent or unsubscribed after the campaign reached them."""
    if since is None:
        return 0
    addresses = recipients.filter(message__isnull=False).values_list("message__to_address", flat=True)
    client_ids = recipients.values_list("client_id", flat=True)
    by_consent = set(
        Consent.objects.filter(
            organization=campaign.organization, granted=False, recorded_at__gte=since, client_id__in=client_ids
        ).values_list("client_id", flat=True)
    )
    by_suppression = set(
        Suppression.objects.filter(
            Q(organization=campaign.organization) | Q(organization__isnull=True),
            reason__in=[Suppression.Reason.UNSUBSCRIBED, Suppression.Reason.TOPIC_OPT_OUT, Suppression.Reason.SMS_STOP],
            created_at__gte=since,
            address__in=addresses,
        ).values_list("address", flat=True)
    )
    if by_suppression:
        by_consent |= set(recipients.filter(message__to_address__in=by_suppression).values_list("client_id", flat=True))
    return len(by_consent)


def _replies(campaign, recipients, since) -> int:
    """Texts back from the numbers this campaign texted, after it texted them."""
    if since is None:
        return 0
    numbers = recipients.filter(channel=Channel.SMS, message__isnull=False).values_list(
        "message__to_address", flat=True
    )
    return (
        InboundMessage.objects.filter(from_address__in=numbers, received_at__gte=since)
        .filter(Q(organization=campaign.organization) | Q(organization__isnull=True))
        .values("from_address")
        .distinct()
        .count()
    )


def campaign_recipients(*, campaign: Campaign) -> QuerySet[CampaignRecipient]:
    return (
        CampaignRecipient.objects.filter(campaign=campaign)
        .select_related("client", "message")
        .order_by("client__first_name", "client__last_name", "id")
    )


def due_campaigns(*, now) -> QuerySet[Campaign]:
    return Campaign.objects.filter(status=Campaign.Status.SCHEDULED, scheduled_at__lte=now)
