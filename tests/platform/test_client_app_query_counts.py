"""The client app's lists cost the same queries at 10 and 100 rows (N+1 free), as the coach lists do."""

import pytest

from tests.clients.factories import MessageFactory, MetricFactory, ProgressEntryFactory, ThreadFactory
from tests.conftest import api_as
from tests.training.factories import ExerciseFactory, SetLogFactory, WorkoutLogFactory

pytestmark = pytest.mark.django_db


def _log_workouts(client, n):
    exercise = ExerciseFactory(organization=client.organization)
    for _ in range(n):
        log = WorkoutLogFactory(organization=client.organization, client=client)
        for _set in range(3):
            SetLogFactory(organization=client.organization, client=client, workout_log=log, exercise=exercise)


def _record_progress(client, n):
    metric = MetricFactory(organization=client.organization)
    for _ in range(n):
        ProgressEntryFactory(organization=client.organization, client=client, metric=metric)


def _write_threads(client, n):
    for _ in range(n):
        thread = ThreadFactory(organization=client.organization, client=client)
        MessageFactory(organization=client.organization, client=client, thread=thread)


@pytest.mark.parametrize(
    ("path", "make"),
    [
        ("/api/v1/me/workout-logs/", _log_workouts),
        ("/api/v1/me/progress/", _record_progress),
        ("/api/v1/me/threads/", _write_threads),
    ],
)
def test_client_app_list_costs_the_same_queries_at_10_and_100(client_record, path, make, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_as(client_record.user)
    make(client_record, 10)
    with CaptureQueriesContext(connection) as at_10:
        first = api.get(path, {"page_size": 100})
    assert first.status_code == 200, first.content[:300]
    assert first.data["count"] == 10
    make(client_record, 90)
    with django_assert_max_num_queries(len(at_10)):
        response = api.get(path, {"page_size": 100})
    assert response.data["count"] == 100 and len(response.data["results"]) == 100
