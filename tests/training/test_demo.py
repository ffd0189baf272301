"""make run's demo business gets a training template, a client with logged weeks, and a draft."""

import io

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from accounts.models import Organization
from training.models import PersonalRecord, Program, ScheduledWorkout, WorkoutLog

pytestmark = pytest.mark.django_db


@freeze_time("2026-06-17 12:00:00")
def test_seed_demo_fills_the_training_pages_once(library):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    org = Organization.objects.get(slug="northside-strength")
    assert Program.objects.for_org(org).filter(is_template=True, name="Strength base").exists()
    chloe_program = Program.objects.for_org(org).get(client__email="client@demo.mecto.test")
    assert ScheduledWorkout.objects.filter(program=chloe_program).count() == 8
    logs = WorkoutLog.objects.for_org(org).filter(client=chloe_program.client)
    assert logs.count() == 5 and logs.first().comments.exists()  # 1, 4, 8, 11 and 15 June
    assert PersonalRecord.objects.for_org(org).exists()
    assert Program.objects.for_org(org).filter(origin="generated").count() == 1
    counts = (Program.objects.count(), WorkoutLog.objects.count())
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert (Program.objects.count(), WorkoutLog.objects.count()) == counts
