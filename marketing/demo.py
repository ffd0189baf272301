"""Demo marketing for `manage.py seed_demo`: nine clients who agreed to hear from the business,
email and text templates with merge fields, two segments ("Active clients", "Leads not
booked in 30 days"), a campaign sent last week with its report (delivered, opened, clicked,
bounced, unsubscribed) and one scheduled for next week. Idempotent: rows are found by name
or email, and a second seed adds nothing."""

from __future__ import annotations

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from clients import services as client_services
from clients.models import Client
from mecto import comms
from mecto.comms import tracking
from mecto.comms.models import OutboundMessage, Suppression
from mecto.demo import demo_seeder

from . import engine
from .models import Campaign, CampaignRecipient, MessageTemplate, Segment
from .services import campaigns as services
from .services.segments import create_segment
from .services.templates import create_template

SENT_NAME = "Spring small-group sessions"
SCHEDULED_NAME = "Summer challenge launch"
CONSENT_METHOD = "Ticked the box on the intake form"

# email, first and last name, status, mobile number (text messages agreed too when given)
SUBSCRIBERS = [
    ("maya.patel@demo.mecto.test", "Maya", "Patel", Client.Status.ACTIVE, "+447700900201"),
    ("leo.walsh@demo.mecto.test", "Leo", "Walsh", Client.Status.ACTIVE, "+447700900202"),
    ("nina.okafor@demo.mecto.test", "Nina", "Okafor", Client.Status.ACTIVE, ""),
    ("omar.hassan@demo.mecto.test", "Omar", "Hassan", Client.Status.LEAD, "+447700900204"),
    ("priya.shah@demo.mecto.test", "Priya", "Shah", Client.Status.LEAD, ""),
    ("jack.turner@demo.mecto.test", "Jack", "Turner", Client.Status.PAUSED, ""),
]

# What the providers reported for the sent campaign's email, by client email (all delivered
# unless bounced); Maya and Leo also got the text, delivered.
EMAIL_REPORT = {
    "client@demo.mecto.test": ("opened", "clicked"),
    "maya.patel@demo.mecto.test": ("opened",),
    "leo.walsh@demo.mecto.test": ("bounced",),
    "nina.okafor@demo.mecto.test": ("opened", "unsubscribed"),
}


@demo_seeder(order=1)
@transaction.atomic
def seed_demo_subscribers(*, organization, owner, coach, clients: dict, **context) -> dict:
    """Runs right after the demo clients, so every later seeder (intake answers, waivers)
    treats the subscribers like the others. Every demo client agrees to marketing email."""
    people = dict(clients)
    for email, first, last, status, phone in SUBSCRIBERS:
        client = Client.objects.for_org(organization).filter(email=email).first()
        if client is None:
            client = client_services.create_client(
                organization=organization,
                actor=owner,
                first_name=first,
                last_name=last,
                email=email,
                phone=phone,
                status=status,
                coach=coach,
                email_consent=True,
                sms_consent=bool(phone),
                consent_method=CONSENT_METHOD,
                is_demo=True,
            )
        people[email] = client
    for client in clients.values():
        if comms.latest_consent(organization=organization, channel="email", address=client.email) is None:
            client_services.record_consent(client=client, channel="email", granted=True, method=CONSENT_METHOD)
    return {"clients": people}


def _template(organization, owner, name: str, **fields) -> MessageTemplate:
    found = MessageTemplate.objects.for_org(organization).filter(name=name).first()
    return found or create_template(organization=organization, actor=owner, name=name, **fields)


def _templates(organization, owner):
    email = _template(
        organization,
        owner,
        "Spring sessions (email)",
        channel="email",
        subject="New spring sessions, {{ client.first_name }}",
        preheader="Small groups, four places each",
        blocks=[
            {"type": "heading", "text": "Spring small-group sessions"},
            {
                "type": "text",
                "text": "Hi {{ client.first_name }}, our spring groups start next month. "
                "{{ coach.name }} has kept a place for you.",
            },
            {"type": "button", "label": "Book a place", "url": "{{ business.booking_url }}"},
            {"type": "text", "text": "See you soon, the {{ business.name }} team"},
        ],
    )
    sms = _template(
        organization,
        owner,
        "Spring sessions (text)",
        channel="sms",
        sms_body="Hi {{ client.first_name }}, spring group sessions at {{ business.name }} are open: "
        "{{ business.booking_url }}",
    )
    return email, sms


def _segment(organization, owner, name: str, **fields) -> Segment:
    found = Segment.objects.for_org(organization).filter(name=name).first()
    return found or create_segment(organization=organization, actor=owner, name=name, **fields)


def _no_batch_task(campaign_id, countdown=0):
    """The demo sends its campaign in this process; no task is queued for it."""


def _send_last_week(campaign, owner) -> None:
    """Send the campaign here and now, then date it and its report to last week."""
    schedule, engine.schedule_batch = engine.schedule_batch, _no_batch_task
    try:
        services.send_campaign_now(campaign=campaign, actor=owner)
        while engine.send_batch(campaign.pk):
            pass
    finally:
        engine.schedule_batch = schedule
    sent_at = timezone.now() - timedelta(days=7)
    Campaign.objects.filter(pk=campaign.pk).update(started_at=sent_at, finished_at=sent_at + timedelta(minutes=3))
    recipients = CampaignRecipient.objects.filter(campaign=campaign, message__isnull=False).select_related(
        "message", "client"
    )
    recipients.update(created_at=sent_at, queued_at=sent_at)
    for recipient in recipients:
        message: OutboundMessage = recipient.message
        OutboundMessage.objects.filter(pk=message.pk).update(created_at=sent_at)
        report = EMAIL_REPORT.get(recipient.client.email, ()) if recipient.channel == "email" else ()
        later = sent_at + timedelta(minutes=2)
        if "bounced" in report:
            tracking.advance(
                message, OutboundMessage.Status.SENT, at=sent_at, provider="demo", provider_id=f"demo-{message.pk}"
            )
            tracking.advance(
                message, OutboundMessage.Status.BOUNCED, at=later, detail="550 5.1.1 The mailbox does not exist"
            )
            comms.suppress(
                organization=campaign.organization,
                channel=recipient.channel,
                address=message.to_address,
                reason=Suppression.Reason.HARD_BOUNCE,
                source=f"Bounce on “{campaign.name}”",
            )
            continue
        tracking.advance(
            message, OutboundMessage.Status.DELIVERED, at=later, provider="demo", provider_id=f"demo-{message.pk}"
        )
        for what, hours in (("opened", 3), ("clicked", 4)):
            if what in report:
                tracking.engage(message, what, at=sent_at + timedelta(hours=hours))
        if "unsubscribed" in report:
            comms.record_consent(
                organization=campaign.organization,
                channel=recipient.channel,
                address=message.to_address,
                granted=False,
                method="one-click unsubscribe",
                client_id=recipient.client_id,
                recorded_at=sent_at + timedelta(hours=5),
            )


@demo_seeder(order=60)
@transaction.atomic
def seed_demo_campaigns(*, organization, owner, **context) -> None:
    email, sms = _templates(organization, owner)
    active = _segment(
        organization,
        owner,
        "Active clients",
        description="Clients training with us now",
        rules=[{"field": "status", "op": "is", "value": "active"}],
    )
    _segment(
        organization,
        owner,
        "Leads not booked in 30 days",
        description="Leads who have not booked a session in the last 30 days",
        rules=[
            {"field": "status", "op": "is", "value": "lead"},
            {"field": "booked", "op": "not_within", "value": 30},
        ],
    )
    campaigns = Campaign.objects.for_org(organization)
    if not campaigns.filter(name=SENT_NAME).exists():
        campaign = services.create_campaign(
            organization=organization,
            actor=owner,
            name=SENT_NAME,
            segment=active,
            email_template=email,
            sms_template=sms,
        )
        _send_last_week(campaign, owner)
    if not campaigns.filter(name=SCHEDULED_NAME).exists():
        campaign = services.create_campaign(
            organization=organization,
            actor=owner,
            name=SCHEDULED_NAME,
            segment=active,
            email_template=email,
            sms_template=sms,
        )
        day = timezone.localdate() + timedelta(days=7)
        services.schedule_campaign(
            campaign=campaign, actor=owner, send_at=services.local_send_at(organization, day, time(9, 0))
        )
