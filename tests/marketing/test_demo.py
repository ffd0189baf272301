"""The demo business shows marketing and automations in use: subscribers with consent, two
segments, templates with merge fields, a sent campaign whose report has real numbers, a
scheduled one, and two live automations with runs in different states.

The `demo` fixture is the first run; the test runs the command once more, as `make run`
does with DEBUG on, and proves it changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.test import Client as Browser
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import User
from automation.models import Automation, AutomationRun, RunStep
from clients.models import Client
from marketing import segments, selectors
from marketing.models import Campaign, CampaignRecipient, MessageTemplate, Segment
from mecto.comms.consent import latest_consent
from mecto.comms.models import Consent, OutboundMessage, Suppression
from tests.shared_data import DEMO_NOW

pytestmark = pytest.mark.django_db


def _counts(org):
    return {
        model.__name__: model.objects.filter(organization=org).count()
        for model in (
            Client,
            MessageTemplate,
            Segment,
            Campaign,
            CampaignRecipient,
            OutboundMessage,
            Consent,
            Suppression,
            Automation,
            AutomationRun,
            RunStep,
        )
    }


@freeze_time(DEMO_NOW)
def test_seed_demo_fills_marketing_and_automations_once(settings, demo):
    org = demo
    before = _counts(org)
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    assert _counts(org) == before

    people = list(Client.objects.for_org(org))
    assert len(people) >= 9
    subscribed = [c for c in people if latest_consent(organization=org, channel="email", address=c.email) is not None]
    assert len(subscribed) >= 9
    templates = MessageTemplate.objects.for_org(org)
    assert templates.filter(channel="email", subject__contains="{{ client.first_name }}").exists()
    assert templates.filter(channel="sms", sms_body__contains="{{ client.first_name }}").exists()
    active = Segment.objects.for_org(org).get(name="Active clients")
    leads = Segment.objects.for_org(org).get(name="Leads not booked in 30 days")
    assert segments.clients_of(active).count() >= 4
    assert segments.clients_of(leads).count() >= 1

    sent = Campaign.objects.for_org(org).get(status=Campaign.Status.SENT)
    report = selectors.campaign_report(campaign=sent)
    assert report["sent"] >= 5
    for number in ("delivered", "opened", "clicked", "bounced", "unsubscribed"):
        assert report[number] >= 1, number
    assert (
        Campaign.objects.for_org(org).filter(status=Campaign.Status.SCHEDULED, scheduled_at__gt=timezone.now()).count()
        == 1
    )

    live = Automation.objects.for_org(org).filter(is_active=True)
    assert set(live.values_list("template_key", flat=True)) >= {"missed_session", "welcome_lead"}
    states = set(AutomationRun.objects.filter(organization=org).values_list("state", flat=True))
    assert {"completed", "waiting", "goal_met"} <= states

    # The report page shows those numbers.
    browser = Browser()
    browser.force_login(User.objects.get(email="coach@demo.mecto.test"))
    page = browser.get(f"/marketing/campaigns/{sent.pk}/")
    assert page.status_code == 200
    assert sent.name in page.content.decode()
