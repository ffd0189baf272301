"""The client's workouts in the portal: today's and upcoming, logging set by set, past logs."""

import re
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from mecto.models import Event
from tests.factories import ClientFactory, UserFactory
from tests.training.factories import (
    LogCommentFactory,
    PrescribedExerciseFactory,
    ScheduledWorkoutFactory,
    SetLogFactory,
    WorkoutLogFactory,
)
from training.models import PersonalRecord, WorkoutLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(org, client_record):
    item = PrescribedExerciseFactory(organization=org, sets=2, exercise__name="Back squat")
    return ScheduledWorkoutFactory(
        organization=org, client=client_record, workout=item.block.workout, program=item.block.workout.program
    )


def _log_data(scheduled, **overrides):
    item = scheduled.workout.blocks.get().items.get()
    data = {
        "client_uuid": str(uuid.uuid4()),
        "performed_on": scheduled.date.isoformat(),
        "status": "",
        "duration_minutes": "45",
        "notes": "Felt strong",
        f"s{item.pk}_1_reps": "5",
        f"s{item.pk}_1_load": "100",
        f"s{item.pk}_1_rpe": "8",
        f"s{item.pk}_1_done": "on",
        f"s{item.pk}_1_notes": "",
        f"s{item.pk}_2_reps": "",
        f"s{item.pk}_2_load": "",
        f"s{item.pk}_2_rpe": "",
        f"s{item.pk}_2_done": "on",
        f"s{item.pk}_2_notes": "",
        # set 2 ticked and left blank: done as prescribed (5 × 100 kg)
    }
    data.update(overrides)
    return item, data


def test_workouts_page_shows_today_upcoming_and_past_logs_with_comments(client, org, coach, client_record, scheduled):
    log = WorkoutLogFactory(organization=org, client=client_record, name="Monday session")
    SetLogFactory(organization=org, workout_log=log, client=client_record, load_kg=Decimal("100"), reps=5)
    LogCommentFactory(organization=org, workout_log=log, author=coach, body="Great depth today")
    client.force_login(client_record.user)
    page = client.get(reverse("training:portal_workouts")).content.decode()
    assert scheduled.workout.name in page and "Back squat" in page
    assert reverse("training:portal_log", args=[scheduled.public_id]) in page
    assert "Monday session" in page and "Great depth today" in page


def test_unlogged_workouts_of_the_last_week_can_be_caught_up(client, org, client_record):
    from datetime import timedelta

    from training.selectors import client_today

    yesterday = client_today(client_record) - timedelta(days=1)
    missed = ScheduledWorkoutFactory(organization=org, client=client_record, date=yesterday, workout__name="Pull day")
    done = ScheduledWorkoutFactory(organization=org, client=client_record, date=yesterday, workout__name="Push day")
    WorkoutLogFactory(organization=org, client=client_record, scheduled=done)
    client.force_login(client_record.user)
    page = client.get(reverse("training:portal_workouts")).content.decode()
    section = page.split("Not logged yet")[1].split("What you logged")[0]
    assert "Pull day" in section and reverse("training:portal_log", args=[missed.public_id]) in section
    assert "Push day" not in section


def test_empty_workouts_page_says_what_to_do(client, client_record):
    client.force_login(client_record.user)
    page = client.get(reverse("training:portal_workouts")).content.decode()
    assert "Nothing scheduled today." in page and "No workouts logged yet." in page


def test_logging_uses_the_training_service_records_and_events(client, org, client_record, scheduled):
    earlier = scheduled.workout.blocks.get().items.get().exercise
    SetLogFactory(organization=org, client=client_record, exercise=earlier, load_kg=Decimal("90"), reps=5)
    client.force_login(client_record.user)
    page = client.get(reverse("training:portal_log", args=[scheduled.public_id]))
    assert page.status_code == 200 and 'name="client_uuid"' in page.content.decode()
    item, data = _log_data(scheduled)
    response = client.post(reverse("training:portal_log", args=[scheduled.public_id]), data)
    assert response.status_code == 302
    log = WorkoutLog.objects.get(client=client_record, scheduled=scheduled)
    assert log.scheduled == scheduled and log.notes == "Felt strong" and log.duration_minutes == 45
    sets = list(log.sets.order_by("set_number"))
    assert [(s.reps, s.load_kg, s.rpe, s.is_done, s.from_prescription) for s in sets] == [
        (5, Decimal("100"), Decimal("8"), True, False),
        (5, Decimal("100"), None, True, True),
    ]
    assert sets[0].prescribed == item and log.status == "completed"
    record = PersonalRecord.objects.get(client=client_record, kind="load")
    assert record.value_kg == Decimal("100") and record.previous_kg == Decimal("90")
    assert Event.objects.filter(name="pr.achieved", client_id=client_record.pk).exists()
    assert Event.objects.filter(name="workout.completed", client_id=client_record.pk).count() == 1
    # A double submit (same upload id) stores nothing new and fires nothing again.
    again = client.post(reverse("training:portal_log", args=[scheduled.public_id]), data)
    assert again.status_code == 302
    assert WorkoutLog.objects.filter(client=client_record, scheduled=scheduled).count() == 1
    assert Event.objects.filter(name="workout.completed", client_id=client_record.pk).count() == 1


def test_loads_are_typed_in_the_clients_units(client, client_record, scheduled):
    client_record.unit_system = "imperial"
    client_record.save(update_fields=["unit_system"])
    client.force_login(client_record.user)
    assert "Load (lb)" in client.get(reverse("training:portal_log", args=[scheduled.public_id])).content.decode()
    item, data = _log_data(scheduled, **{f"s{scheduled.workout.blocks.get().items.get().pk}_1_load": "225"})
    client.post(reverse("training:portal_log", args=[scheduled.public_id]), data)
    stored = WorkoutLog.objects.get(client=client_record).sets.get(set_number=1).load_kg
    assert abs(stored - Decimal("102.058")) < Decimal("0.01")
    page = client.get(reverse("training:portal_workouts")).content.decode()
    assert "225" in page and "Load (lb)" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("_1_reps", "-3", "greater than or equal to 0"),
        ("_1_rpe", "11", "less than or equal to 10"),
        ("_1_load", "heavy", "Enter a number"),
        ("performed_on", "2999-01-01", "cannot be logged in the future"),
        ("status", "smashed", "Select a valid choice"),
    ],
)
def test_bad_input_is_shown_inline_and_stores_nothing(client, client_record, scheduled, field, value, message):
    client.force_login(client_record.user)
    item = scheduled.workout.blocks.get().items.get()
    key = f"s{item.pk}{field}" if field.startswith("_") else field
    _, data = _log_data(scheduled, **{key: value})
    response = client.post(reverse("training:portal_log", args=[scheduled.public_id]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "Please correct the fields marked below." in body
    assert not WorkoutLog.objects.filter(client=client_record).exists()


def test_another_clients_workout_is_not_found(client, org, client_record):
    other = ClientFactory(organization=org, user=UserFactory())
    item = PrescribedExerciseFactory(organization=org)
    theirs = ScheduledWorkoutFactory(organization=org, client=other, workout=item.block.workout)
    theirs_log = WorkoutLogFactory(organization=org, client=other, name="Their log")
    client.force_login(client_record.user)
    assert client.get(reverse("training:portal_log", args=[theirs.public_id])).status_code == 404
    _, data = _log_data(theirs)
    assert client.post(reverse("training:portal_log", args=[theirs.public_id]), data).status_code == 404
    assert not WorkoutLog.objects.filter(scheduled=theirs).exists()
    assert theirs_log.name not in client.get(reverse("training:portal_workouts")).content.decode()


def test_workouts_pages_are_for_clients_only(client, coach, scheduled):
    for url in (reverse("training:portal_workouts"), reverse("training:portal_log", args=[scheduled.public_id])):
        client.logout()
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and reverse("account_login") in anonymous["Location"]
        client.force_login(coach)
        assert client.get(url).status_code == 404


def test_workouts_page_query_count_does_not_grow(client, org, client_record, django_assert_max_num_queries):
    client.force_login(client_record.user)

    def add(n):
        for _ in range(n):
            s = ScheduledWorkoutFactory(organization=org, client=client_record)
            PrescribedExerciseFactory(organization=org, block__workout=s.workout)
            log = WorkoutLogFactory(organization=org, client=client_record, scheduled=s)
            SetLogFactory(organization=org, workout_log=log, client=client_record)
            LogCommentFactory(organization=org, workout_log=log)

    add(2)
    client.get(reverse("training:portal_workouts"))
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("training:portal_workouts"))
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("training:portal_workouts"))


def test_empty_set_fields_hint_the_prescription_in_the_clients_units(client, org, client_record):
    item = PrescribedExerciseFactory(
        organization=org, sets=1, reps_type="fixed", reps_min=6, load_type="kg", load_value=Decimal("100")
    )
    workout = ScheduledWorkoutFactory(
        organization=org, client=client_record, workout=item.block.workout, program=item.block.workout.program
    )
    client_record.unit_system = "imperial"
    client_record.save(update_fields=["unit_system"])
    client.force_login(client_record.user)
    page = client.get(reverse("training:portal_log", args=[workout.public_id])).content.decode()
    assert f'name="s{item.pk}_1_reps"' in page and 'placeholder="6"' in page
    assert 'placeholder="220.5"' in page  # 100 kg shown in lb
    assert "Target: 6 reps · 220.5 lb" in page


def _post(client, scheduled, data):
    return client.post(reverse("training:portal_log", args=[scheduled.public_id]), data)


def test_done_boxes_start_unticked_and_each_set_shows_its_target(client, client_record, scheduled):
    client.force_login(client_record.user)
    page = client.get(reverse("training:portal_log", args=[scheduled.public_id])).content.decode()
    item = scheduled.workout.blocks.get().items.get()
    boxes = re.findall(rf'<input type="checkbox" name="s{item.pk}_\d_done"[^>]*>', page)
    assert len(boxes) == 2 and not any("checked" in box for box in boxes)
    assert page.count("Target: 5 reps · 100 kg") == 2 and 'placeholder="100"' in page
    assert '<option value="" selected>As the sets I ticked say</option>' in page


def test_an_untouched_workout_is_refused_not_completed(client, client_record, scheduled):
    client.force_login(client_record.user)
    item = scheduled.workout.blocks.get().items.get()
    _, data = _log_data(scheduled)
    for n in (1, 2):
        for field in ("reps", "load", "rpe"):
            data[f"s{item.pk}_{n}_{field}"] = ""
        del data[f"s{item.pk}_{n}_done"]
    response = _post(client, scheduled, data)
    assert response.status_code == 400
    assert "No set is marked as done" in response.content.decode()
    assert not WorkoutLog.objects.filter(client=client_record).exists()
    # Saying it was skipped stores it as skipped, with its sets not done.
    data["status"] = "skipped"
    assert _post(client, scheduled, data).status_code == 302
    log = WorkoutLog.objects.get(client=client_record)
    assert log.status == "skipped" and [s.is_done for s in log.sets.all()] == [False, False]
    assert not Event.objects.filter(name="workout.completed").exists()


def test_a_partial_log_keeps_every_ticked_set_and_is_partly_done(client, org, client_record, scheduled):
    _, data = _log_data(scheduled)  # the first exercise: both sets ticked, one of them blank
    first = scheduled.workout.blocks.get().items.get()
    other = PrescribedExerciseFactory(
        organization=org, block=first.block, sets=2, reps_min=12, load_type="none", load_value=None
    )
    client.force_login(client_record.user)
    data.update({f"s{other.pk}_{n}_{f}": "" for n in (1, 2) for f in ("reps", "load", "rpe", "notes")})
    assert _post(client, scheduled, data).status_code == 302
    log = WorkoutLog.objects.get(client=client_record)
    assert log.status == "partial"
    stored = [(s.prescribed_id, s.set_number, s.is_done) for s in log.sets.order_by("prescribed_id", "set_number")]
    assert stored == [(first.pk, 1, True), (first.pk, 2, True), (other.pk, 1, False), (other.pk, 2, False)]
    # Choosing "Completed" while sets are not done is refused with the count.
    data.update(client_uuid=str(uuid.uuid4()), status="completed")
    response = _post(client, scheduled, data)
    assert response.status_code == 400 and "2 of 4 prescribed sets are marked as done" in response.content.decode()
    assert WorkoutLog.objects.filter(client=client_record).count() == 1


def test_a_set_filled_in_but_not_ticked_is_pointed_out(client, client_record, scheduled):
    client.force_login(client_record.user)
    item, data = _log_data(scheduled)
    del data[f"s{item.pk}_2_done"]
    data[f"s{item.pk}_2_reps"] = "4"
    response = _post(client, scheduled, data)
    assert response.status_code == 400
    assert "Set 2 of Back squat is filled in but not ticked" in response.content.decode()
    assert not WorkoutLog.objects.filter(client=client_record).exists()


def test_supersets_are_labelled_a1_a2_in_the_workout_and_the_log(client, org, client_record, scheduled):
    first = scheduled.workout.blocks.get().items.get()
    superset = first.block.__class__.objects.create(
        organization=org, workout=scheduled.workout, kind="superset", position=2
    )
    for name in ("Push-up", "Ring row"):
        PrescribedExerciseFactory(organization=org, block=superset, exercise__name=name, load_type="none")
    client.force_login(client_record.user)
    for url in (reverse("training:portal_workouts"), reverse("training:portal_log", args=[scheduled.public_id])):
        page = client.get(url).content.decode()
        for label, name in (("A", "Back squat"), ("B1", "Push-up"), ("B2", "Ring row")):
            assert re.search(rf'<span class="item-label">{label}</span> (<strong>)?{name}', page), (url, label)


def test_a_client_using_pounds_reads_the_prescription_in_pounds(client, org, client_record):
    client_record.unit_system = "imperial"
    client_record.save(update_fields=["unit_system"])
    item = PrescribedExerciseFactory(
        organization=org, sets=3, reps_min=5, load_type="kg", load_value=Decimal("102.06"), exercise__name="Deadlift"
    )
    scheduled = ScheduledWorkoutFactory(
        organization=org, client=client_record, workout=item.block.workout, program=item.block.workout.program
    )
    client.force_login(client_record.user)
    workouts = client.get(reverse("training:portal_workouts")).content.decode()
    assert "3 × 5 @ 225 lb" in workouts and "102.06 kg" not in workouts
    log = client.get(reverse("training:portal_log", args=[scheduled.public_id])).content.decode()
    assert "3 × 5 @ 225 lb" in log
