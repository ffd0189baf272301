"""make run's demo business gets a training template, a client with logged weeks, and a draft.

The `demo` fixture is the first run (shared by the tests that look at the demo business);
the test runs the command once more and proves it adds nothing."""

import io

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from tests.shared_data import DEMO_NOW
from training.models import PersonalRecord, Program, ScheduledWorkout, WorkoutLog

pytestmark = pytest.mark.django_db


@freeze_time(DEMO_NOW)  # Wednesday 25 November 2026
def test_seed_demo_fills_the_training_pages_once(demo):
    org = demo
    assert Program.objects.for_org(org).filter(is_template=True, name="Strength base").exists()
    chloe_program = Program.objects.for_org(org).get(client__email="client@demo.mecto.test")
    assert ScheduledWorkout.objects.filter(program=chloe_program).count() == 8
    logs = WorkoutLog.objects.for_org(org).filter(client=chloe_program.client)
    assert logs.count() == 5 and logs.first().comments.exists()  # 9, 12, 16, 19 and 23 November
    assert PersonalRecord.objects.for_org(org).exists()
    assert Program.objects.for_org(org).filter(origin="generated").count() == 1
    counts = (Program.objects.count(), WorkoutLog.objects.count())
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert (Program.objects.count(), WorkoutLog.objects.count()) == counts
