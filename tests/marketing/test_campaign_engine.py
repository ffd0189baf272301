"""Sending a campaign: every recipient exactly once, through crashes, repeats and pauses."""

import pytest
from django.db import transaction

from marketing import engine
from marketing.models import Campaign, CampaignRecipient
from marketing.services import campaigns as svc
from mecto.comms.models import OutboundMessage
from mecto.events import Event

from .campaign_helpers import business, email_template, sms_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def batches(monkeypatch):
    """The batch task's self-scheduling, recorded instead of run (the test drives it)."""
    calls = []
    monkeypatch.setattr(engine, "schedule_batch", lambda campaign_id, countdown=0: calls.append(countdown))
    return calls


def _campaign(org, segment, **kwargs):
    return svc.create_campaign(
        organization=org, name="Spring", segment=segment, email_template=email_template(org), **kwargs
    )


def _drain(campaign, limit=100):
    for _ in range(limit):
        engine.send_batch(campaign.pk)
        campaign.refresh_from_db()
        if campaign.status != Campaign.Status.SENDING:
            return


def _keys():
    return sorted(OutboundMessage.objects.values_list("idempotency_key", flat=True))


def test_send_now_fixes_the_recipients_and_sends_each_once(batches):
    org, segment, people = business(5)
    campaign = _campaign(org, segment)
    svc.send_campaign_now(campaign=campaign)
    assert CampaignRecipient.objects.filter(campaign=campaign, status="pending").count() == 5
    _drain(campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT and campaign.finished_at
    assert _keys() == sorted(f"campaign:{campaign.pk}:{c.pk}:email" for c in people)
    assert Event.objects.filter(name="campaign.sent", payload__campaign_id=campaign.pk).count() == 1


def test_calling_the_batch_twice_sends_nothing_twice(batches):
    org, segment, people = business(4)
    campaign = _campaign(org, segment)
    svc.send_campaign_now(campaign=campaign)
    engine.send_batch(campaign.pk)
    engine.send_batch(campaign.pk)
    engine.send_batch(campaign.pk)
    assert OutboundMessage.objects.count() == 4
    assert set(CampaignRecipient.objects.values_list("status", flat=True)) == {"queued"}


def test_a_crash_between_queue_and_mark_sends_nothing_twice(batches, monkeypatch):
    """The worker dies after queueing messages but before marking its recipients: the
    transaction rolls back; even a message row that survived is found again by its key."""
    org, segment, people = business(3)
    campaign = _campaign(org, segment)
    svc.send_campaign_now(campaign=campaign)
    # A previous attempt got as far as the message row (committed elsewhere) for the first client.
    from marketing.sending import send_to_client

    with transaction.atomic():
        send_to_client(
            org, people[0], campaign.email_template, channel="email", key=f"campaign:{campaign.pk}:{people[0].pk}:email"
        )

    def crash(*args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(CampaignRecipient.objects, "bulk_update", crash)
    with pytest.raises(SystemExit):
        engine.send_batch(campaign.pk)
    monkeypatch.undo()
    monkeypatch.setattr(engine, "schedule_batch", lambda campaign_id, countdown=0: None)
    assert CampaignRecipient.objects.filter(status="pending").count() == 3  # rolled back
    _drain(campaign)
    assert OutboundMessage.objects.count() == 3
    assert len(set(_keys())) == 3


def test_pause_stops_batches_and_resume_sends_only_the_rest(batches):
    org, segment, people = business(10)
    campaign = _campaign(org, segment, rate_per_minute=4)
    svc.send_campaign_now(campaign=campaign)
    engine.send_batch(campaign.pk)
    assert OutboundMessage.objects.count() == 4
    svc.pause_campaign(campaign=campaign)
    assert engine.send_batch(campaign.pk) == 0
    assert OutboundMessage.objects.count() == 4
    svc.resume_campaign(campaign=campaign)
    _drain(campaign)
    assert OutboundMessage.objects.count() == 10 and len(set(_keys())) == 10
    campaign.refresh_from_db()
    assert campaign.status == "sent"


def test_batches_keep_to_the_rate_limit(batches):
    org, segment, people = business(25)
    campaign = _campaign(org, segment, rate_per_minute=10)
    svc.send_campaign_now(campaign=campaign)
    assert engine.send_batch(campaign.pk) == 10
    assert batches[-1] == pytest.approx(60.0)  # 10 messages at 10 a minute: next batch in a minute
    assert engine.send_batch(campaign.pk) == 10
    assert engine.send_batch(campaign.pk) == 5
    assert batches[-1] == pytest.approx(30.0)


def test_clients_without_an_address_on_the_channel_are_left_out(batches):
    org, segment, people = business(3, phones=False)
    people[0].phone = "+447700900001"
    people[0].save()
    campaign = svc.create_campaign(
        organization=org,
        name="Both",
        segment=segment,
        email_template=email_template(org),
        sms_template=sms_template(org),
    )
    svc.send_campaign_now(campaign=campaign)
    assert CampaignRecipient.objects.filter(channel="sms").count() == 1
    assert CampaignRecipient.objects.filter(channel="email").count() == 3


def test_too_many_failures_pause_the_campaign(batches):
    org, segment, people = business(60)
    campaign = _campaign(org, segment, rate_per_minute=30)
    svc.send_campaign_now(campaign=campaign)
    engine.send_batch(campaign.pk)
    messages = list(OutboundMessage.objects.order_by("id"))
    OutboundMessage.objects.filter(pk__in=[m.pk for m in messages[:28]]).update(status="delivered")
    OutboundMessage.objects.filter(pk__in=[m.pk for m in messages[28:]]).update(status="bounced")  # 2 of 30
    assert engine.send_batch(campaign.pk) == 0
    campaign.refresh_from_db()
    assert campaign.status == "paused" and "failed or bounced" in campaign.paused_reason
    assert OutboundMessage.objects.count() == 30


def test_a_failure_rate_under_the_threshold_does_not_pause(batches):
    org, segment, people = business(60)
    campaign = _campaign(org, segment, rate_per_minute=30)
    svc.send_campaign_now(campaign=campaign)
    engine.send_batch(campaign.pk)
    messages = list(OutboundMessage.objects.order_by("id"))
    OutboundMessage.objects.filter(pk__in=[m.pk for m in messages[:29]]).update(status="delivered")
    OutboundMessage.objects.filter(pk=messages[29].pk).update(status="failed")  # 1 of 30: 3.3 %
    assert engine.send_batch(campaign.pk) == 30


def test_repeated_provider_refusals_pause_the_campaign(batches):
    org, segment, people = business(20)
    campaign = _campaign(org, segment, rate_per_minute=10)
    svc.send_campaign_now(campaign=campaign)
    engine.send_batch(campaign.pk)
    OutboundMessage.objects.filter(pk__in=list(OutboundMessage.objects.values_list("pk", flat=True)[:5])).update(
        status_detail="Attempt 1 failed: SendGrid refused the message (429): too many requests"
    )
    assert engine.send_batch(campaign.pk) == 0
    campaign.refresh_from_db()
    assert campaign.status == "paused" and "429" in campaign.paused_reason


def test_a_lost_batch_task_is_restarted_by_beat(batches):
    from datetime import timedelta

    from django.utils import timezone

    org, segment, people = business(2)
    campaign = _campaign(org, segment)
    svc.send_campaign_now(campaign=campaign)
    batches.clear()
    Campaign.objects.filter(pk=campaign.pk).update(last_batch_at=timezone.now() - timedelta(minutes=5))
    svc.release_due_campaigns()
    assert batches == [0]


@pytest.mark.engine
@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_batches_at_once_share_the_recipients(monkeypatch):
    """Concurrent batches (two workers, or a retried task beside the original) take
    different recipients (SKIP LOCKED on PostgreSQL) and never queue anyone twice."""
    import threading

    from django.db import connections

    monkeypatch.setattr(engine, "schedule_batch", lambda campaign_id, countdown=0: None)
    org, segment, people = business(40)
    campaign = _campaign(org, segment, rate_per_minute=10)
    svc.send_campaign_now(campaign=campaign)
    barrier = threading.Barrier(4)
    errors = []

    def worker():
        try:
            barrier.wait(timeout=30)
            for _ in range(6):
                engine.send_batch(campaign.pk)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert OutboundMessage.objects.count() == 40 and len(set(_keys())) == 40
    assert not CampaignRecipient.objects.filter(status="pending").exists()


def test_a_batch_reads_once_for_all_its_recipients(batches, monkeypatch):
    """Settings, keys already queued, the frequency cap, next sessions and unsubscribe tokens
    are read for the whole batch: a batch of 25 makes no more reads than a batch of 5 (each
    recipient costs only its own inserts)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mecto.comms import outbox

    monkeypatch.setattr(outbox, "enqueue_many", lambda ids, chunk=50: None)  # delivery is not measured here

    def reads(clients):
        org, segment, _people = business(clients)
        campaign = _campaign(org, segment)
        svc.send_campaign_now(campaign=campaign)
        with CaptureQueriesContext(connection) as ctx:
            assert engine.send_batch(campaign.pk) == clients
        return sum(1 for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT"))

    assert reads(25) == reads(5)
