"""Demo campaigns for `manage.py seed_demo`: an email and an SMS template, a segment, a sent
campaign with its report (delivered and opened messages), and one scheduled for next week.

(The templates are made as rows here; the template service lands with the template work.)"""

from __future__ import annotations

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from mecto.comms import tracking
from mecto.comms.models import OutboundMessage
from mecto.demo import demo_seeder

from . import engine
from .models import Campaign, CampaignRecipient, MessageTemplate, Segment
from .services import campaigns as services

SENT_NAME = "Spring small-group sessions"
SCHEDULED_NAME = "Summer challenge launch"


def _templates(organization, owner):
    email, _ = MessageTemplate.objects.get_or_create(
        organization=organization,
        name="Spring sessions (email)",
        defaults={
            "channel": "email",
            "subject": "New spring sessions, {{ client.first_name }}",
            "preheader": "Small groups, four places each",
            "blocks": [
                {"type": "heading", "text": "Spring small-group sessions"},
                {"type": "text", "text": "Hi {{ client.first_name }}, our spring groups start next month."},
            ],
            "created_by": owner,
        },
    )
    sms, _ = MessageTemplate.objects.get_or_create(
        organization=organization,
        name="Spring sessions (text)",
        defaults={
            "channel": "sms",
            "sms_body": "Hi {{ client.first_name }}, spring group sessions are open: reply YES to hold a place.",
            "created_by": owner,
        },
    )
    return email, sms


def _no_batch_task(campaign_id, countdown=0):
    """The demo sends its campaign in this process; no task is queued for it."""


@demo_seeder(order=60)
@transaction.atomic
def seed_demo_campaigns(*, organization, owner, **context) -> None:
    email, sms = _templates(organization, owner)
    segment, _ = Segment.objects.get_or_create(
        organization=organization,
        name="Active clients",
        defaults={
            "description": "Active clients who agreed to hear from us by email",
            "rules": [{"field": "status", "op": "is", "value": "active"}],
            "created_by": owner,
        },
    )
    campaigns = Campaign.objects.for_org(organization)
    if not campaigns.filter(name=SENT_NAME).exists():
        campaign = services.create_campaign(
            organization=organization, actor=owner, name=SENT_NAME, segment=segment, email_template=email
        )
        schedule, engine.schedule_batch = engine.schedule_batch, _no_batch_task
        try:
            services.send_campaign_now(campaign=campaign, actor=owner)
            while engine.send_batch(campaign.pk):
                pass
        finally:
            engine.schedule_batch = schedule
        # What the provider reported: delivered to all, opened by every other recipient.
        recipients = CampaignRecipient.objects.filter(campaign=campaign, message__isnull=False).select_related(
            "message"
        )
        for n, recipient in enumerate(recipients):
            message: OutboundMessage = recipient.message
            tracking.advance(
                message, OutboundMessage.Status.DELIVERED, provider="demo", provider_id=f"demo-{message.pk}"
            )
            if n % 2 == 0:
                tracking.engage(message, "opened")
        week_ago = timezone.now() - timedelta(days=7)
        Campaign.objects.filter(pk=campaign.pk).update(started_at=week_ago, finished_at=week_ago + timedelta(minutes=3))
    if not campaigns.filter(name=SCHEDULED_NAME).exists():
        campaign = services.create_campaign(
            organization=organization,
            actor=owner,
            name=SCHEDULED_NAME,
            segment=segment,
            email_template=email,
            sms_template=sms,
        )
        day = timezone.localdate() + timedelta(days=7)
        services.schedule_campaign(
            campaign=campaign, actor=owner, send_at=services.local_send_at(organization, day, time(9, 0))
        )
