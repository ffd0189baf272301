"""Every write to a campaign: draft, schedule, send now, pause, resume, cancel, release.

Each is one transaction that emits its event; the sending itself is marketing/engine.py."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mecto import events
from mecto.comms.models import Channel
from mecto.errors import DomainError

from .. import engine, segments
from ..models import Campaign, MessageTemplate, Segment

Status = Campaign.Status
EDITABLE = (Status.DRAFT, Status.SCHEDULED)
FIELDS = ("name", "segment", "email_template", "sms_template", "rate_per_minute")


class CampaignError(DomainError):
    pass


def _check_fields(*, organization, segment, email_template, sms_template) -> None:
    for value, field in ((segment, "segment"), (email_template, "email_template"), (sms_template, "sms_template")):
        if value is not None and value.organization_id != organization.pk:
            raise CampaignError(_("That is not one of this business's records."), field=field)
    if email_template is not None and email_template.channel != Channel.EMAIL:
        raise CampaignError(_("Choose an email template here."), field="email_template")
    if sms_template is not None and sms_template.channel != Channel.SMS:
        raise CampaignError(_("Choose a text message template here."), field="sms_template")


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update(of=("self",)).select_related("organization").get(pk=campaign.pk)


@transaction.atomic
def create_campaign(
    *,
    organization,
    actor=None,
    name: str,
    segment: Segment | None = None,
    email_template: MessageTemplate | None = None,
    sms_template: MessageTemplate | None = None,
    rate_per_minute: int | None = None,
) -> Campaign:
    """A draft campaign."""
    name = (name or "").strip()
    if not name:
        raise CampaignError(_("Give the campaign a name."), field="name")
    _check_fields(organization=organization, segment=segment, email_template=email_template, sms_template=sms_template)
    campaign = Campaign.objects.create(
        organization=organization,
        name=name[:120],
        segment=segment,
        email_template=email_template,
        sms_template=sms_template,
        rate_per_minute=rate_per_minute or Campaign._meta.get_field("rate_per_minute").default,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    events.emit(organization, "campaign.created", {"campaign_id": campaign.pk, "name": campaign.name}, actor=actor)
    return campaign


@transaction.atomic
def update_campaign(*, campaign: Campaign, actor=None, **changes) -> Campaign:
    """Change a draft or scheduled campaign (a scheduled one is checked again)."""
    campaign = _lock(campaign)
    if campaign.status not in EDITABLE:
        raise CampaignError(_("Only a draft or scheduled campaign can be changed."))
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"Unknown campaign fields: {sorted(unknown)}")
    for name, value in changes.items():
        if name == "name":
            value = (value or "").strip()[:120]
            if not value:
                raise CampaignError(_("Give the campaign a name."), field="name")
        if name == "rate_per_minute" and not value:
            continue
        setattr(campaign, name, value)
    _check_fields(
        organization=campaign.organization,
        segment=campaign.segment,
        email_template=campaign.email_template,
        sms_template=campaign.sms_template,
    )
    if campaign.status == Status.SCHEDULED:
        _check_ready(campaign)
    campaign.save()
    events.emit(campaign.organization, "campaign.updated", {"campaign_id": campaign.pk}, actor=actor)
    return campaign


def _check_ready(campaign: Campaign) -> None:
    """What a campaign needs before it can go out."""
    if campaign.segment is None:
        raise CampaignError(_("Choose the segment to send to."), field="segment")
    if campaign.email_template is None and campaign.sms_template is None:
        raise CampaignError(_("Choose an email template, a text message template, or both."), field="email_template")
    email, sms = campaign.email_template, campaign.sms_template
    if email is not None and (not email.subject.strip() or not email.blocks):
        raise CampaignError(_("The email template needs a subject and some content."), field="email_template")
    if sms is not None and not sms.sms_body.strip():
        raise CampaignError(_("The text message template is empty."), field="sms_template")
    if not segments.clients_of(campaign.segment).exists():
        raise CampaignError(_("The segment has no clients right now: there is no one to send to."), field="segment")


def local_send_at(organization, day, at: time) -> datetime:
    """A date and time on the business's clock, as an aware datetime (UTC when stored)."""
    zone = ZoneInfo(organization.time_zone or "UTC")
    return datetime.combine(day, at).replace(tzinfo=zone)


@transaction.atomic
def schedule_campaign(*, campaign: Campaign, actor=None, send_at: datetime) -> Campaign:
    """Send at `send_at` (naive means the business's local time); beat releases it then."""
    campaign = _lock(campaign)
    if campaign.status not in EDITABLE:
        raise CampaignError(_("Only a draft or scheduled campaign can be scheduled."))
    if timezone.is_naive(send_at):
        send_at = send_at.replace(tzinfo=ZoneInfo(campaign.organization.time_zone or "UTC"))
    if send_at <= timezone.now():
        raise CampaignError(_("Choose a time in the future."), field="send_at")
    _check_ready(campaign)
    campaign.status = Status.SCHEDULED
    campaign.scheduled_at = send_at.astimezone(ZoneInfo("UTC"))
    campaign.save(update_fields=["status", "scheduled_at", "updated_at"])
    events.emit(
        campaign.organization,
        "campaign.scheduled",
        {"campaign_id": campaign.pk, "send_at": campaign.scheduled_at.isoformat()},
        actor=actor,
    )
    return campaign


@transaction.atomic
def unschedule_campaign(*, campaign: Campaign, actor=None) -> Campaign:
    campaign = _lock(campaign)
    if campaign.status != Status.SCHEDULED:
        raise CampaignError(_("The campaign is not scheduled."))
    campaign.status, campaign.scheduled_at = Status.DRAFT, None
    campaign.save(update_fields=["status", "scheduled_at", "updated_at"])
    return campaign


@transaction.atomic
def send_campaign_now(*, campaign: Campaign, actor=None) -> Campaign:
    """Fix the recipients from the segment now and start sending."""
    campaign = _lock(campaign)
    if campaign.status not in EDITABLE:
        raise CampaignError(_("This campaign has already been sent or is sending."))
    _check_ready(campaign)
    engine.start(campaign)
    return campaign


@transaction.atomic
def pause_campaign(*, campaign: Campaign, actor=None, reason: str = "") -> Campaign:
    """Stop releasing batches; what is already queued still goes out."""
    campaign = _lock(campaign)
    if campaign.status != Status.SENDING:
        raise CampaignError(_("Only a campaign that is sending can be paused."))
    campaign.status = Status.PAUSED
    campaign.paused_reason = (reason or _("Paused by %(name)s.") % {"name": _actor_name(actor)})[:300]
    campaign.save(update_fields=["status", "paused_reason", "updated_at"])
    events.emit(
        campaign.organization,
        "campaign.paused",
        {"campaign_id": campaign.pk, "reason": campaign.paused_reason},
        actor=actor,
    )
    return campaign


def _actor_name(actor) -> str:
    return (getattr(actor, "full_name", "") or getattr(actor, "email", "")) or _("a coach")


@transaction.atomic
def resume_campaign(*, campaign: Campaign, actor=None) -> Campaign:
    """Carry on with the recipients still waiting; no one who was sent to is sent again."""
    campaign = _lock(campaign)
    if campaign.status != Status.PAUSED:
        raise CampaignError(_("Only a paused campaign can be resumed."))
    campaign.status, campaign.paused_reason, campaign.last_batch_at = Status.SENDING, "", timezone.now()
    campaign.save(update_fields=["status", "paused_reason", "last_batch_at", "updated_at"])
    events.emit(campaign.organization, "campaign.resumed", {"campaign_id": campaign.pk}, actor=actor)
    engine.schedule_batch(campaign.pk)
    return campaign


@transaction.atomic
def cancel_campaign(*, campaign: Campaign, actor=None) -> Campaign:
    """Stop for good: recipients still waiting get nothing."""
    campaign = _lock(campaign)
    if campaign.status in (Status.SENT, Status.CANCELLED):
        raise CampaignError(_("The campaign has already finished."))
    campaign.status, campaign.finished_at = Status.CANCELLED, timezone.now()
    campaign.save(update_fields=["status", "finished_at", "updated_at"])
    events.emit(campaign.organization, "campaign.cancelled", {"campaign_id": campaign.pk}, actor=actor)
    return campaign


def release_due_campaigns(*, now: datetime | None = None) -> int:
    """Every minute (beat): start the scheduled campaigns whose time has come, and restart
    any sending campaign whose batch task was lost. Each in its own transaction."""
    now = now or timezone.now()
    released = 0
    for campaign_id in Campaign.objects.filter(status=Status.SCHEDULED, scheduled_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            campaign = (
                Campaign.objects.select_for_update(of=("self",))
                .select_related("organization", "segment")
                .filter(pk=campaign_id, status=Status.SCHEDULED)
                .first()
            )
            if campaign is None:
                continue
            try:
                _check_ready(campaign)
            except CampaignError as exc:  # the segment emptied or a template changed since
                campaign.status, campaign.paused_reason = Status.PAUSED, exc.message[:300]
                campaign.save(update_fields=["status", "paused_reason", "updated_at"])
                events.emit(
                    campaign.organization, "campaign.paused", {"campaign_id": campaign.pk, "reason": exc.message}
                )
                continue
            engine.start(campaign)
            released += 1
    engine.restart_stale(now)
    return released


@transaction.atomic
def delete_campaign(*, campaign: Campaign, actor=None) -> None:
    """Delete a campaign that never started (sent campaigns keep their report)."""
    campaign = _lock(campaign)
    if campaign.status not in EDITABLE:
        raise CampaignError(_("A campaign that has started cannot be deleted; cancel it instead."))
    events.emit(
        campaign.organization, "campaign.deleted", {"campaign_id": campaign.pk, "name": campaign.name}, actor=actor
    )
    campaign.delete()
