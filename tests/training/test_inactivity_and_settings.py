"""The daily client.inactive check and the business's training settings."""

import uuid
from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time

from mecto.models import Event
from tests.conftest import api_as
from tests.factories import ClientFactory
from training import services
from training.models import InactivityAlert, TrainingSettings
from training.tasks import flag_inactive_clients

from .factories import PrescribedExerciseFactory

pytestmark = pytest.mark.django_db


def _assign(org, client, start):
    item = PrescribedExerciseFactory(organization=org)
    services.assign_program(program=item.block.workout.program, clients=[client], start_date=start)
    return item.exercise


def test_a_client_without_workouts_for_n_days_is_flagged_once_per_spell(org):
    client = ClientFactory(organization=org, time_zone="Europe/London")
    idle = ClientFactory(organization=org, status="paused")  # paused clients are left alone
    exercise = _assign(org, client, date(2026, 3, 2))
    _assign(org, idle, date(2026, 3, 2))
    with freeze_time("2026-03-05 06:00:00"):
        assert flag_inactive_clients.delay().get() == 0
        services.log_workout(
            client=client,
            client_uuid=uuid.uuid4(),
            performed_at=datetime(2026, 3, 4, 18, 0, tzinfo=UTC),
            sets=[{"exercise": exercise, "reps": 5, "load_kg": 50}],
        )
    # Across the switch to summer time (29 March): 7 days counted in real time.
    with freeze_time("2026-03-11 17:59:00"):
        assert services.flag_inactive_clients() == 0
    with freeze_time("2026-03-11 18:01:00"):
        assert services.flag_inactive_clients() == 1
        assert services.flag_inactive_clients() == 0  # the daily rerun raises nothing new
    event = Event.objects.get(name="client.inactive")
    assert event.client_id == client.pk and event.payload["days"] == 7
    # A new workout ends the spell; the next silence is a new one.
    with freeze_time("2026-03-30 08:00:00"):
        services.log_workout(
            client=client,
            client_uuid=uuid.uuid4(),
            performed_at=datetime(2026, 3, 30, 7, 0, tzinfo=UTC),
            sets=[{"exercise": exercise, "reps": 5, "load_kg": 50}],
        )
    with freeze_time("2026-04-06 08:00:00"):
        assert services.flag_inactive_clients() == 1
    assert InactivityAlert.objects.filter(client=client).count() == 2


def test_never_logged_counts_from_the_first_scheduled_workout_and_days_are_per_business(org):
    TrainingSettings.objects.create(organization=org, inactive_after_days=3)
    client = ClientFactory(organization=org)
    _assign(org, client, date(2026, 5, 4))
    with freeze_time("2026-05-06 12:00:00"):
        assert services.flag_inactive_clients() == 0
    with freeze_time("2026-05-07 12:00:00"):
        assert services.flag_inactive_clients() == 1
    services.update_training_settings(organization=org, inactive_after_days=0)
    other = ClientFactory(organization=org)
    _assign(org, other, date(2026, 5, 4))
    with freeze_time("2026-06-01 12:00:00"):
        assert services.flag_inactive_clients() == 0


def test_settings_validation_page_and_api(org, owner, coach, client):
    with pytest.raises(services.TrainingError) as err:
        services.update_training_settings(organization=org, inactive_after_days=999)
    assert err.value.field == "inactive_after_days"
    api = api_as(owner)
    response = api.patch(
        "/api/v1/training-settings/", {"inactive_after_days": 10, "llm_monthly_quota": 50}, format="json"
    )
    assert response.status_code == 200 and response.data["inactive_after_days"] == 10
    assert api.patch("/api/v1/training-settings/", {"llm_requests_per_minute": 0}, format="json").status_code == 400
    assert (
        api_as(coach).patch("/api/v1/training-settings/", {"inactive_after_days": 1}, format="json").status_code == 403
    )
    assert api_as(coach).get("/api/v1/training-settings/").data["llm_available"] is False
    client.force_login(owner)
    assert client.get("/training/settings/").status_code == 200
    assert (
        client.post(
            "/training/settings/", {"inactive_after_days": 5, "llm_monthly_quota": 10, "llm_requests_per_minute": 2}
        ).status_code
        == 302
    )
    assert TrainingSettings.objects.get(organization=org).inactive_after_days == 5
    client.force_login(coach)
    assert client.get("/training/settings/").status_code == 403
