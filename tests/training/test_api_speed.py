"""The workout-log lists stay lean: the columns they print, one dict per set, the same output."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from training.api.serializers import SetLogSerializer
from training.models import SetLog

from .factories import LogCommentFactory, SetLogFactory, WorkoutLogFactory

pytestmark = pytest.mark.django_db


def test_set_fast_path_prints_what_the_generic_serializer_prints(org):
    log = WorkoutLogFactory(organization=org)
    full = SetLogFactory(
        organization=org,
        client=log.client,
        workout_log=log,
        load_kg=Decimal("102.5"),
        rpe=Decimal("8.5"),
        e1rm_kg=Decimal("119.58"),
        notes="Paused",
    )
    empty = SetLogFactory(organization=org, client=log.client, workout_log=log, load_kg=None, rpe=None, reps=None)
    for row in SetLog.objects.filter(pk__in=[full.pk, empty.pk]).select_related("exercise"):
        fast = SetLogSerializer(row).data
        generic = serializers.ModelSerializer.to_representation(SetLogSerializer(row), row)
        assert dict(fast) == dict(generic)
        assert list(fast) == list(generic)  # the same keys in the same order
    assert SetLogSerializer(full).data["load_kg"] == "102.50"


def test_log_list_loads_no_exercise_or_client_columns_it_does_not_print(coach_api, org):
    log = WorkoutLogFactory(organization=org)
    SetLogFactory(organization=org, client=log.client, workout_log=log)
    LogCommentFactory(organization=org, workout_log=log)
    with CaptureQueriesContext(connection) as ctx:
        response = coach_api.get("/api/v1/workout-logs/")
    assert response.status_code == 200
    row = response.data["results"][0]
    assert row["sets"][0]["exercise_name"] and row["comments"][0]["body"] == "Great work."
    sql = "\n".join(q["sql"] for q in ctx.captured_queries)
    # The exercise's JSON columns, the client's profile and the author's password are not read.
    assert '"training_exercise"."aliases"' not in sql and '"training_exercise"."primary_muscles"' not in sql
    assert '"clients_client"."first_name"' not in sql
    assert '"accounts_user"."password"' not in sql
