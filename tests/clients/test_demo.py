"""The demo business shows filled-in client pages: intake answers, progress and a conversation.

The `demo` fixture is the first run (shared by the tests that look at the demo business);
the test runs the command once more, as `make run` does with DEBUG on, and proves it adds
nothing."""

import io

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from clients.models import Client, IntakeSubmission, Message, ProgressEntry
from tests.shared_data import DEMO_NOW

pytestmark = pytest.mark.django_db


@freeze_time(DEMO_NOW)
def test_seed_demo_fills_the_clients_pages_once(settings, demo):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    chloe = Client.objects.get(email="client@demo.mecto.test")
    assert IntakeSubmission.objects.filter(client=chloe).count() == 1
    assert ProgressEntry.objects.filter(client=chloe, metric__key="weight").count() == 8
    assert Message.objects.filter(client=chloe).count() == 2
    assert Client.objects.get(email="sam.lead@demo.mecto.test").needs_medical_clearance
