"""Marketing's part of a client's data rights: the export holds the campaigns that reached
them, their opt-outs, topic choices and unsubscribe links; erasure removes the campaign rows
and links but keeps the suppressions, so an erased address is never mailed again."""

import pytest

from clients.services import request_erasure, run_erasure
from marketing import engine
from marketing.models import CampaignRecipient, UnsubscribeToken
from marketing.privacy import export_client
from marketing.services import campaigns as svc
from marketing.unsubscribe import token_for
from mecto import comms
from mecto.comms.models import Category, Suppression
from mecto.privacy import exporters

from .campaign_helpers import business, email_template, sms_template

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_batch_task(monkeypatch):
    monkeypatch.setattr(engine, "schedule_batch", lambda campaign_id, countdown=0: None)


def _sent_campaign(org, segment, name="Spring"):
    campaign = svc.create_campaign(
        organization=org,
        name=name,
        segment=segment,
        email_template=email_template(org, name=f"{name} email"),
        sms_template=sms_template(org),
    )
    svc.send_campaign_now(campaign=campaign)
    while engine.send_batch(campaign.pk):
        pass
    return campaign


def _unsubscribed(org, client):
    """The client unsubscribed from marketing email and opted out of session reminders by text."""
    comms.record_consent(
        organization=org, channel="email", address=client.email, granted=False, method="one-click unsubscribe"
    )
    comms.opt_out_of_topic(organization=org, channel="sms", address=client.phone, topic="reminders")
    return token_for(organization=org, client=client, channel="email", address=client.email)


def _erase(client):
    return run_erasure(erasure=request_erasure(client=client, grace_days=0))


def test_marketing_and_automation_take_part_in_the_export_and_erasure():
    assert {"marketing", "automation"} <= {p.name for p in exporters()}


def test_export_holds_the_campaigns_opt_outs_topic_choices_and_links():
    org, segment, (client, neighbour) = business(2, phones=True)
    _sent_campaign(org, segment)
    _unsubscribed(org, client)

    sections = export_client(client).sections

    messages = sections["campaign_messages"]
    assert {(m["campaign__name"], m["channel"]) for m in messages} == {("Spring", "email"), ("Spring", "sms")}
    assert all(m["status"] == "queued" and m["queued_at"] and m["message__status"] for m in messages)
    assert {m["message__to_address"] for m in messages} == {client.email, client.phone}
    opt_outs = {(o["channel"], o["reason"], o["topic"]) for o in sections["marketing_opt_outs"]}
    assert opt_outs == {("email", "unsubscribed", ""), ("sms", "topic_opt_out", "reminders")}
    choices = {(c["channel"], c["topic"]): c["receives"] for c in sections["topic_choices"]}
    assert choices[("sms", "reminders")] is False and choices[("email", "reminders")] is True
    (link,) = sections["unsubscribe_links"]
    assert link["address"] == client.email and "token" not in link
    # Only this client's rows.
    assert neighbour.email not in str(sections) and neighbour.phone not in str(sections)


def test_erasure_removes_campaign_rows_and_links_but_keeps_the_suppressions():
    org, segment, (client, neighbour) = business(2, phones=True)
    campaign = _sent_campaign(org, segment)
    _unsubscribed(org, client)
    email, phone = client.email, client.phone

    audit = _erase(client)

    assert audit.summary["marketing.CampaignRecipient"] == 2
    assert audit.summary["marketing.UnsubscribeToken"] == 1
    assert not CampaignRecipient.objects.filter(campaign=campaign).exclude(client=neighbour).exists()
    assert not UnsubscribeToken.objects.filter(address=email).exists()
    kept = set(Suppression.objects.filter(organization=org).values_list("channel", "address", "reason"))
    assert kept == {("email", email, "unsubscribed"), ("sms", phone, "topic_opt_out")}
    # The address comes back (an import, a new intake with a ticked box that was never given):
    # marketing to it stays blocked by the unsubscribe that survived.
    verdict = comms.check(
        organization=org, channel="email", address=email, category=Category.MARKETING, topic="campaigns"
    )
    assert not verdict.allowed


def test_erasure_leaves_another_business_and_the_neighbour_untouched():
    org, segment, (client, neighbour) = business(2, phones=True)
    other_org, other_segment, (stranger,) = business(1, phones=True)
    campaign = _sent_campaign(org, segment)
    other_campaign = _sent_campaign(other_org, other_segment, name="Elsewhere")
    _unsubscribed(org, neighbour)
    # The same address unsubscribed at another business: theirs to keep.
    comms.record_consent(
        organization=other_org, channel="email", address=client.email, granted=False, method="preference page"
    )
    token_for(organization=other_org, client=stranger, channel="email", address=stranger.email)

    _erase(client)

    assert CampaignRecipient.objects.filter(campaign=campaign, client=neighbour).count() == 2
    assert CampaignRecipient.objects.filter(campaign=other_campaign).count() == 2
    assert UnsubscribeToken.objects.filter(client=neighbour).count() == 1
    assert UnsubscribeToken.objects.filter(organization=other_org).count() == 1
    assert Suppression.objects.filter(organization=org, address=neighbour.email).exists()
    assert Suppression.objects.filter(organization=other_org, address=client.email).exists()
