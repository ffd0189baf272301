"""The campaign sending engine: recipients fixed once, then batches, each recipient once.

At the start the segment is evaluated once into `CampaignRecipient` rows (unique per
campaign + client + channel, inserted ignoring conflicts, so a repeated start adds no one).
A batch then takes pending recipients (row locks skipped by other workers on PostgreSQL),
queues each one's message under the key `campaign:{id}:{client}:{channel}`, and marks the
recipient queued in the same transaction: the checkpoint advances only with the send. A
crash before the commit leaves the recipients pending and queues nothing (the transaction
is rolled back); a crash after it leaves nothing to do. The message's unique key is the
last guarantee: a recipient processed twice finds its existing message and queues no other.

The business's rate (`SendingSettings.rate_per_minute`) is shared by all its sending
campaigns: a batch locks the business's settings row, reads what its other batches took in
the last 60 s (`send_log`, a list of [timestamp, count]), takes at most what is left, and
records itself in the same transaction. When nothing is left, the campaign waits until the
oldest entry leaves the minute. A campaign's own `rate_per_minute` still caps it.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mecto import comms, events
from mecto.comms.models import Channel, OutboundMessage

from . import segments
from .models import Campaign, CampaignRecipient, SendingSettings, campaign_message_key
from .sending import prepare_batch, send_to_client

logger = logging.getLogger(__name__)
Status = Campaign.Status
MessageStatus = OutboundMessage.Status

BATCH_MAX = 500
FAILURE_WINDOW = 200
RATE_WINDOW = 60  # seconds: the business's rate is per minute
PROVIDER_ERRORS_TO_PAUSE = 5
PROVIDER_ERROR = re.compile(r"\((429|5\d\d)\)")


def batch_stale_after() -> timedelta:
    """A sending campaign whose last batch is older than this lost its task: beat restarts it."""
    return timedelta(seconds=int(getattr(settings, "MARKETING_BATCH_STALE_AFTER", 120)))


def channels_of(campaign: Campaign) -> list[str]:
    return [c for c, t in ((Channel.EMAIL, campaign.email_template_id), (Channel.SMS, campaign.sms_template_id)) if t]


def materialise(campaign: Campaign) -> int:
    """Evaluate the segment once into recipient rows; clients without an address on a
    channel are left out of it. Returns how many rows exist now."""
    clients = segments.clients_of(campaign.segment)
    now = timezone.now()
    for channel in channels_of(campaign):
        field = "email" if channel == Channel.EMAIL else "phone"
        ids = clients.exclude(**{field: ""}).exclude(**{f"{field}__isnull": True}).values_list("pk", flat=True)
        rows = [
            CampaignRecipient(
                organization_id=campaign.organization_id,
                campaign=campaign,
                client_id=pk,
                channel=channel,
                created_at=now,
            )
            for pk in ids.iterator(chunk_size=2000)
        ]
        CampaignRecipient.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return CampaignRecipient.objects.filter(campaign=campaign).count()


def start(campaign: Campaign) -> None:
    """Materialise the recipients and mark the campaign sending (in the caller's
    transaction); the first batch runs after commit."""
    materialise(campaign)
    campaign.status = Status.SENDING
    campaign.started_at = campaign.started_at or timezone.now()
    campaign.last_batch_at = timezone.now()
    campaign.paused_reason = ""
    campaign.save(update_fields=["status", "started_at", "last_batch_at", "paused_reason", "updated_at"])
    events.emit(campaign.organization, "campaign.started", {"campaign_id": campaign.pk, "name": campaign.name})
    schedule_batch(campaign.pk)


def schedule_batch(campaign_id: int, countdown: float = 0) -> None:
    """Run the next batch after commit (the task re-schedules itself; it never sleeps)."""
    from .tasks import send_campaign_batch

    def publish():
        try:
            send_campaign_batch.apply_async((campaign_id,), countdown=countdown)
        except Exception:  # the broker is down: beat restarts a stale campaign
            logger.exception("Could not queue the next batch of campaign %s", campaign_id)

    transaction.on_commit(publish)


def batch_size(campaign: Campaign) -> int:
    return max(1, min(BATCH_MAX, campaign.rate_per_minute))


def _messages(campaign: Campaign):
    return OutboundMessage.objects.filter(idempotency_key__startswith=f"campaign:{campaign.pk}:")


def _locked_settings(organization) -> SendingSettings:
    """The business's settings row, locked until the caller's transaction ends (PostgreSQL;
    SQLite serialises writers anyway)."""
    from .services.settings import sending_settings

    row = sending_settings(organization=organization)
    return SendingSettings.objects.select_for_update().get(pk=row.pk)


def rate_left(row: SendingSettings, now_ts: float) -> tuple[int, list, float]:
    """What the business's rate leaves in the current minute, the pruned log, and in how
    many seconds the oldest entry frees its share."""
    log = [[t, n] for t, n in (row.send_log or []) if t > now_ts - RATE_WINDOW]
    left = row.rate_per_minute - sum(n for _t, n in log)
    frees_in = (min(t for t, _n in log) + RATE_WINDOW - now_ts) if log else 0.0
    return left, log, frees_in


def pause_reason(campaign: Campaign, failure_percent: int | None = None) -> str:
    """Why the campaign should stop by itself, or "": more than the business's percent of
    recent messages failed or bounced, or the provider refusing with 429/5xx again and again."""
    if failure_percent is None:
        from .services.settings import sending_settings

        failure_percent = sending_settings(organization=campaign.organization).pause_failure_percent
    recent = list(
        _messages(campaign)
        .exclude(status__in=[MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.CANCELLED])
        .order_by("-updated_at", "-id")
        .values_list("status", flat=True)[:FAILURE_WINDOW]
    )
    failed = sum(1 for s in recent if s in (MessageStatus.FAILED, MessageStatus.BOUNCED))
    if len(recent) >= 20 and failed * 100 > failure_percent * len(recent):
        return _("%(failed)s of the last %(count)s messages failed or bounced (more than %(percent)s%%).") % {
            "failed": failed,
            "count": len(recent),
            "percent": failure_percent,
        }
    details = _messages(campaign).exclude(status_detail="").order_by("-updated_at", "-id")
    refused = sum(
        1 for d in details.values_list("status_detail", flat=True)[:FAILURE_WINDOW] if PROVIDER_ERROR.search(d)
    )
    if refused >= PROVIDER_ERRORS_TO_PAUSE:
        return _("The provider refused %(count)s recent messages (429 or 5xx): it is overloaded or limiting us.") % {
            "count": refused
        }
    return ""


def _pending(campaign: Campaign, limit: int):
    rows = CampaignRecipient.objects.filter(campaign=campaign, status=CampaignRecipient.Status.PENDING).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return list(rows.select_related("client")[:limit])


def send_batch(campaign_id: int) -> int:
    """Queue the next batch of one sending campaign; returns how many recipients it took.
    Safe to run twice at once or again after a crash: see the module docstring."""
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_related("organization", "email_template", "sms_template")
            .filter(pk=campaign_id, status=Status.SENDING)
            .first()
        )
        if campaign is None:  # paused, cancelled, finished: release nothing
            return 0
        limits = _locked_settings(campaign.organization)
        reason = pause_reason(campaign, limits.pause_failure_percent)
        if reason:
            Campaign.objects.filter(pk=campaign.pk, status=Status.SENDING).update(
                status=Status.PAUSED, paused_reason=reason[:300], updated_at=timezone.now()
            )
            events.emit(campaign.organization, "campaign.paused", {"campaign_id": campaign.pk, "reason": reason})
            return 0
        now = timezone.now()
        left, log, frees_in = rate_left(limits, now.timestamp())
        if left <= 0:  # the business's other campaigns used this minute: wait until it frees
            Campaign.objects.filter(pk=campaign.pk).update(last_batch_at=now)
            schedule_batch(campaign.pk, countdown=max(1.0, frees_in))
            return 0
        size = min(batch_size(campaign), left)
        pending = _pending(campaign, size)
        if pending:
            log.append([now.timestamp(), len(pending)])
        SendingSettings.objects.filter(pk=limits.pk).update(send_log=log)
        templates = {Channel.EMAIL: campaign.email_template, Channel.SMS: campaign.sms_template}
        batch = prepare_batch(
            campaign.organization,
            (
                (r.client, r.channel, campaign_message_key(campaign.pk, r.client_id, r.channel))
                for r in pending
                if templates[r.channel] is not None
            ),
            config=limits,
        )
        with comms.bulk_handoff():
            for recipient in pending:
                message = send_to_client(
                    campaign.organization,
                    recipient.client,
                    templates[recipient.channel],
                    channel=recipient.channel,
                    key=campaign_message_key(campaign.pk, recipient.client_id, recipient.channel),
                    topic=campaign.topic,
                    extra={"campaign": campaign.name},
                    batch=batch,
                )
                recipient.message = message
                recipient.status = CampaignRecipient.Status.QUEUED if message else CampaignRecipient.Status.SKIPPED
                recipient.queued_at = now
        CampaignRecipient.objects.bulk_update(pending, ["message", "status", "queued_at"], batch_size=500)
        Campaign.objects.filter(pk=campaign.pk).update(last_batch_at=now)
        if not pending:
            _finish(campaign)
            return 0
        # Keep to the rate: the next batch after the share of a minute this one used (of the
        # campaign's own rate or the business's, whichever is slower).
        rate = min(campaign.rate_per_minute, limits.rate_per_minute)
        schedule_batch(campaign.pk, countdown=60 * len(pending) / rate)
        return len(pending)


def _finish(campaign: Campaign) -> None:
    left = CampaignRecipient.objects.filter(campaign=campaign, status=CampaignRecipient.Status.PENDING)
    if left.exists():  # another worker holds the last rows: it finishes
        return
    finished = Campaign.objects.filter(pk=campaign.pk, status=Status.SENDING).update(
        status=Status.SENT, finished_at=timezone.now(), updated_at=timezone.now()
    )
    if finished:
        counts = progress(campaign)
        events.emit(
            campaign.organization,
            "campaign.sent",
            {"campaign_id": campaign.pk, "name": campaign.name, "recipients": counts["total"]},
        )


def restart_stale(now=None) -> int:
    """Beat's safety net: a sending campaign whose batch task was lost gets a new one."""
    now = now or timezone.now()
    stale = Campaign.objects.filter(status=Status.SENDING).filter(
        Q(last_batch_at__isnull=True) | Q(last_batch_at__lt=now - batch_stale_after())
    )
    count = 0
    for campaign_id in stale.values_list("pk", flat=True):
        Campaign.objects.filter(pk=campaign_id).update(last_batch_at=now)
        schedule_batch(campaign_id)
        count += 1
    return count


def progress(campaign: Campaign) -> dict:
    """Sent / remaining / failed, in two queries whatever the size."""
    from .selectors import campaign_progress

    return campaign_progress(campaign=campaign)


KEY = re.compile(r"^campaign:(\d+):(\d+):(email|sms)$")


def on_message_report(message: OutboundMessage, what: str, at) -> None:
    """A provider's report about a campaign message: opens and clicks on the recipient,
    and `message.bounced` when it bounced (registered with mecto.comms.tracking)."""
    match = KEY.match(message.idempotency_key or "")
    if not match:
        return
    campaign_id, client_id, channel = int(match[1]), int(match[2]), match[3]
    recipient = CampaignRecipient.objects.filter(campaign_id=campaign_id, client_id=client_id, channel=channel)
    if what == "opened":
        recipient.filter(opened_at__isnull=True).update(opened_at=at)
    elif what == "clicked":
        recipient.filter(clicked_at__isnull=True).update(clicked_at=at)
        recipient.filter(opened_at__isnull=True).update(opened_at=at)  # a click implies an open
    elif what == MessageStatus.BOUNCED and message.organization_id:
        events.emit(
            message.organization,
            "message.bounced",
            {
                "message_id": message.pk,
                "campaign_id": campaign_id,
                "channel": channel,
                "address": message.to_address,
                "detail": message.status_detail,
            },
            client=client_id,
        )
