"""A campaign's report from the providers' signed webhooks: delivered, opened, clicked,
bounced (and the `message.bounced` event), unsubscribed and replies."""

import pytest
from django.utils import timezone

from marketing import engine, selectors
from marketing.models import CampaignRecipient
from marketing.services import campaigns as svc
from mecto.comms.models import Consent, InboundMessage, OutboundMessage
from mecto.events import Event
from tests.platform import sendgrid_fakes as fake

from .campaign_helpers import business, email_template, sms_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def signer(settings):
    signer = fake.Signer()
    settings.SENDGRID_WEBHOOK_PUBLIC_KEY = signer.public_key
    return signer


@pytest.fixture
def sent(monkeypatch):
    monkeypatch.setattr(engine, "schedule_batch", lambda campaign_id, countdown=0: None)
    org, segment, people = business(4, phones=True)
    campaign = svc.create_campaign(
        organization=org,
        name="Spring",
        segment=segment,
        email_template=email_template(org),
        sms_template=sms_template(org),
    )
    svc.send_campaign_now(campaign=campaign)
    engine.send_batch(campaign.pk)
    emails = {
        r.client_id: r.message for r in CampaignRecipient.objects.filter(channel="email").select_related("message")
    }
    return org, campaign, people, emails


def test_signed_sendgrid_events_fill_the_report(client, signer, sent):
    org, campaign, people, emails = sent
    a, b, c, d = (emails[p.pk] for p in people)
    batch = [
        fake.delivered(email=a.to_address, message=a),
        fake.delivered(email=b.to_address, message=b),
        fake.delivered(email=c.to_address, message=c),
        fake.hard_bounce(email=d.to_address, message=d),
        fake.event("open", email=a.to_address, message=a),
        fake.event("open", email=a.to_address, message=a),  # a second open counts once
        fake.event("open", email=b.to_address, message=b),
        fake.event("click", email=b.to_address, message=b, url="https://example.com/book"),
        fake.event("unsubscribe", email=c.to_address, message=c),
    ]
    assert fake.post_events(client, signer, batch).status_code == 200
    assert fake.post_events(client, signer, batch).status_code == 200  # a replay changes nothing
    InboundMessage.objects.create(
        from_address=people[0].phone
        and OutboundMessage.objects.get(idempotency_key__endswith=f":{people[0].pk}:sms").to_address,
        to_address="+15005550006",
        body="YES please",
        provider_id="SM-reply-1",
        organization=org,
        received_at=timezone.now(),
    )
    report = selectors.campaign_report(campaign=campaign)
    assert report["delivered"] == 3 and report["bounced"] == 1
    assert report["opened"] == 2 and report["clicked"] == 1
    assert report["unsubscribed"] == 1 and report["replies"] == 1
    assert Consent.objects.filter(granted=False, client_id=people[2].pk).exists()
    bounced = Event.objects.filter(name="message.bounced")
    assert bounced.count() == 1 and bounced.get().payload["campaign_id"] == campaign.pk
