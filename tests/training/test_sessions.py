"""Today's workout, set by set: autosave and resume, last-time figures, allowed swaps, the
finish summary with records, bad input, the portal's plain forms and the API's query count."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from branding import pwa
from tests.conftest import api_as
from tests.factories import ClientFactory, UserFactory
from tests.training.factories import (
    ExerciseFactory,
    PrescribedExerciseFactory,
    ScheduledWorkoutFactory,
    SetLogFactory,
    WorkoutLogFactory,
    WorkoutSessionFactory,
)
from training import services
from training.models import PersonalRecord, SessionSet, WorkoutLog, WorkoutSession

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/me/workout-sessions/"


@pytest.fixture
def today(org, client_record):
    """Squat 2 × 5 @ 100 kg (goblet squat allowed instead), then a row 1 × 10; last week's squat
    was 5 × 100 and 5 × 95 kg."""
    squat = PrescribedExerciseFactory(
        organization=org, sets=2, reps_min=5, load_value=100, rest_seconds=90, exercise__name="Back squat"
    )
    squat.allowed_swaps.add(ExerciseFactory(organization=org, name="Goblet squat"))
    row = PrescribedExerciseFactory(
        organization=org, block__workout=squat.block.workout, block__position=2, sets=1, reps_min=10, load_type="none"
    )
    scheduled = ScheduledWorkoutFactory(
        organization=org, client=client_record, workout=squat.block.workout, program=squat.block.workout.program
    )
    before = WorkoutLogFactory(organization=org, client=client_record, performed_at=timezone.now() - timedelta(days=7))
    for number, load in ((1, 100), (2, 95)):
        SetLogFactory(
            organization=org,
            client=client_record,
            workout_log=before,
            exercise=squat.exercise,
            set_number=number,
            reps=5,
            load_kg=load,
            rpe=8,
            e1rm_kg=Decimal(load) * Decimal("1.1667"),
            performed_at=before.performed_at,
        )
    return {"scheduled": scheduled, "squat": squat, "row": row}


def _start(api, scheduled):
    return api.post(SESSIONS, {"scheduled": str(scheduled.public_id)}, format="json")


def test_each_set_is_kept_as_completed_and_resumes_on_another_device(client_record, today):
    phone = api_as(client_record.user)
    started = _start(phone, today["scheduled"])
    assert started.status_code == 201, started.data
    url = f"{SESSIONS}{started.data['public_id']}/sets/"
    squat = today["squat"]
    first = phone.post(url, {"prescribed": squat.pk, "set_number": 1, "reps": 5, "load_kg": "110"}, format="json")
    assert first.status_code == 200 and first.data["load_kg"] == "110.00"
    assert phone.post(url, {"prescribed": squat.pk, "set_number": 2}, format="json").status_code == 200
    # Set 1 corrected: saved again, still one row.
    phone.post(url, {"prescribed": squat.pk, "set_number": 1, "reps": 6, "load_kg": "110", "rpe": 9}, format="json")

    laptop = api_as(client_record.user)
    resumed = _start(laptop, today["scheduled"])
    assert resumed.status_code == 200 and resumed.data["public_id"] == started.data["public_id"]
    sets = resumed.data["exercises"][0]["sets"]
    assert [s["saved"]["reps"] if s["saved"] else None for s in sets] == [6, None]
    assert sets[1]["saved"]["is_done"] is True and sets[1]["saved"]["load_kg"] is None  # as prescribed
    assert resumed.data["exercises"][0]["rest_seconds"] == 90
    assert SessionSet.objects.count() == 2 and WorkoutLog.objects.filter(client=client_record).count() == 1


def test_last_time_shows_the_latest_log_of_each_exercise(org, client_record, today):
    older = WorkoutLogFactory(organization=org, client=client_record, performed_at=timezone.now() - timedelta(days=30))
    SetLogFactory(
        organization=org,
        client=client_record,
        workout_log=older,
        exercise=today["squat"].exercise,
        load_kg=80,
        performed_at=older.performed_at,
    )
    data = _start(api_as(client_record.user), today["scheduled"]).data
    squat, row = data["exercises"]
    assert [(s["last_time"]["reps"], s["last_time"]["load_kg"]) for s in squat["sets"]] == [
        (5, "100.00"),
        (5, "95.00"),
    ]
    assert row["sets"][0]["last_time"] is None
    # The swap choices are the prescribed exercise and the coach's allowed swaps.
    assert [c["name"] for c in squat["swap_choices"]] == ["Back squat", "Goblet squat"]
    assert row["swap_choices"] == []


def test_a_swap_outside_the_coachs_allowed_swaps_is_refused(org, client_record, today):
    api = api_as(client_record.user)
    public_id = _start(api, today["scheduled"]).data["public_id"]
    squat = today["squat"]
    other = ExerciseFactory(organization=org, name="Leg press")
    foreign = ExerciseFactory(name="Elsewhere squat")  # another business's
    for exercise in (other, foreign):
        refused = api.post(f"{SESSIONS}{public_id}/swap/", {"prescribed": squat.pk, "exercise": exercise.pk})
        assert refused.status_code == 400 and "exercise" in refused.data["errors"]
        assert "not allowed" in refused.data["errors"]["exercise"][0]
    assert WorkoutSession.objects.get().swaps == {}
    goblet = squat.allowed_swaps.get()
    swapped = api.post(f"{SESSIONS}{public_id}/swap/", {"prescribed": squat.pk, "exercise": goblet.pk})
    assert swapped.status_code == 200 and swapped.data["exercises"][0]["exercise"]["name"] == "Goblet squat"
    saved = api.post(f"{SESSIONS}{public_id}/sets/", {"prescribed": squat.pk, "set_number": 1, "reps": 8})
    assert saved.data["exercise_name"] == "Goblet squat"


def test_finishing_stores_the_log_celebrates_the_record_and_sums_up(client_record, today):
    api = api_as(client_record.user)
    public_id = _start(api, today["scheduled"]).data["public_id"]
    squat = today["squat"]
    api.post(f"{SESSIONS}{public_id}/sets/", {"prescribed": squat.pk, "set_number": 1, "reps": 5, "load_kg": 110})
    api.post(f"{SESSIONS}{public_id}/sets/", {"prescribed": squat.pk, "set_number": 2})  # 5 × 100 as prescribed
    api.patch(f"{SESSIONS}{public_id}/", {"notes": "Knees felt fine"}, format="json")
    finished = api.post(f"{SESSIONS}{public_id}/finish/", {})
    assert finished.status_code == 200, finished.data
    summary = finished.data["summary"]
    assert summary["volume_kg"] == "1050.00" and summary["unit"] == "kg" and summary["sets_done"] == 2
    assert summary["status"] == "partial"  # the row was not done
    assert {r["kind"] for r in summary["records"]} == {"load", "e1rm"}
    assert all(r["exercise_name"] == "Back squat" for r in summary["records"])
    log = WorkoutLog.objects.get(client_uuid=public_id)
    assert log.notes == "Knees felt fine" and log.scheduled == today["scheduled"]
    assert [(s.set_number, s.is_done, s.from_prescription) for s in log.sets.filter(exercise=squat.exercise)] == [
        (1, True, False),
        (2, True, True),
    ]
    # Sent twice (a retry from the offline queue): one log, the same summary.
    again = api.post(f"{SESSIONS}{public_id}/finish/", {})
    assert again.status_code == 200 and again.data["summary"]["workout_log"] == summary["workout_log"]
    assert PersonalRecord.objects.filter(client=client_record).count() == 2
    late = api.post(f"{SESSIONS}{public_id}/sets/", {"prescribed": squat.pk, "set_number": 1, "reps": 1})
    assert late.status_code == 400 and "already finished" in late.data["errors"]["session"][0]


def test_bad_input_gets_a_clear_error_and_changes_nothing(org, client_record, today):
    api = api_as(client_record.user)
    public_id = _start(api, today["scheduled"]).data["public_id"]
    elsewhere = PrescribedExerciseFactory(organization=org)
    sets = f"{SESSIONS}{public_id}/sets/"
    for body, field in (
        ({"prescribed": today["squat"].pk, "set_number": 3}, "set_number"),
        ({"prescribed": elsewhere.pk, "set_number": 1}, "prescribed"),
        ({"prescribed": today["squat"].pk, "set_number": 1, "reps": -1}, "reps"),
        ({"prescribed": today["squat"].pk, "set_number": 1, "rpe": 11}, "rpe"),
    ):
        response = api.post(sets, body, format="json")
        assert response.status_code == 400 and field in response.data["errors"], (body, response.data)
    nothing = api.post(f"{SESSIONS}{public_id}/finish/", {})
    assert nothing.status_code == 400 and "at least one set" in nothing.data["errors"]["sets"][0]
    not_mine = _start(api, ScheduledWorkoutFactory(organization=org))
    assert not_mine.status_code == 400 and "scheduled" in not_mine.data["errors"]
    assert SessionSet.objects.count() == 0 and WorkoutSession.objects.count() == 1


def test_the_session_detail_query_count_does_not_grow(org, client_record, today, django_assert_max_num_queries):
    api = api_as(client_record.user)
    public_id = _start(api, today["scheduled"]).data["public_id"]

    def more(n):
        for _ in range(n):
            item = PrescribedExerciseFactory(organization=org, block=today["squat"].block, sets=3)
            item.allowed_swaps.add(ExerciseFactory(organization=org))
            services.save_session_set(session=WorkoutSession.objects.get(), prescribed_id=item.pk, set_number=1)

    more(2)
    with django_assert_max_num_queries(30) as small:
        assert api.get(f"{SESSIONS}{public_id}/").status_code == 200
    more(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(api.get(f"{SESSIONS}{public_id}/").data["exercises"]) == 14
    # The list of sessions too.
    with django_assert_max_num_queries(12) as one:
        api.get(SESSIONS)
    for _ in range(5):
        WorkoutSessionFactory(organization=org, client=client_record)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(api.get(SESSIONS).data["results"]) == 6


# --- The portal screen ---------------------------------------------------------------------------------
def _screen(client, scheduled):
    return reverse("training:portal_session", args=[scheduled.public_id])


def test_portal_screen_logs_by_plain_form_posts_and_keeps_every_set(client, client_record, today):
    scheduled, squat = today["scheduled"], today["squat"]
    client.force_login(client_record.user)
    page = client.get(_screen(client, scheduled)).content.decode()
    assert "Start workout" in page and "Last time:" in page and "5 × 100 kg" in page and "rest 90 s" in page
    assert "Last time: first time" in page  # the row has no history
    # Every form on the screen posts where the offline queue keeps it, with its key.
    rule = next(r for r in pwa.OFFLINE_POSTS if r.url_name == "training:portal_session_action")
    actions = [a for a in re.findall(r'<form method="post" action="([^"]+)"', page) if "/session/" in a]
    assert actions and all(re.match(rule.pattern, a) for a in actions)
    assert page.count('name="entry_key"') == len(actions) - 1  # the swap is sent online only
    action = reverse("training:portal_session_action", args=[scheduled.public_id, "set"])
    posted = client.post(
        action, {"prescribed": squat.pk, "set_number": 1, "reps": "5", "load": "112,5", "rpe": "8", "done": "1"}
    )
    assert posted.status_code == 302 and posted["Location"].endswith(f"#set-{squat.pk}-1")
    # The tab is closed and opened again: the set is there, the next one is highlighted.
    page = client.get(_screen(client, scheduled)).content.decode()
    assert 'value="112.5"' in page and "Set saved." in page and "Start workout" not in page
    assert re.search(rf'id="set-{squat.pk}-1" class="session-set is-done"', page)
    assert re.search(rf'id="set-{squat.pk}-2" class="session-set is-next"', page)
    bad = client.post(action, {"prescribed": squat.pk, "set_number": 2, "load": "lots"})
    assert bad.status_code == 400 and "Load: enter a number." in bad.content.decode()
    as_json = client.post(
        action, {"prescribed": squat.pk, "set_number": 2, "done": "0"}, HTTP_ACCEPT="application/json"
    )
    assert as_json.json()["ok"] is True and as_json.json()["rest_seconds"] == 0
    finished = client.post(
        reverse("training:portal_session_action", args=[scheduled.public_id, "finish"]), {"notes": "Heavy day"}
    )
    assert WorkoutLog.objects.get(scheduled=scheduled).notes == "Heavy day"
    summary_url = finished["Location"]
    summary = client.get(summary_url).content.decode()
    assert "New personal record" in summary or "new personal records" in summary
    assert re.search(r"56[23] kg", summary), summary.split("Your session")[1][:600]  # 5 × 112.5 kg of volume
    # Coming back to the screen shows the summary, not a second session.
    assert client.get(_screen(client, scheduled))["Location"] == summary_url


def test_summary_speaks_the_clients_units(org, today):
    user = UserFactory()
    imperial = ClientFactory(organization=org, user=user, email=user.email, unit_system="imperial")
    scheduled = ScheduledWorkoutFactory(
        organization=org, client=imperial, workout=today["scheduled"].workout, program=today["scheduled"].program
    )
    session, _ = services.start_session(client=imperial, scheduled=scheduled)
    services.save_session_set(session=session, prescribed_id=today["squat"].pk, set_number=1, reps=10, load_kg=50)
    services.finish_session(session=session)
    data = api_as(user).get(f"{SESSIONS}{session.public_id}/").data["summary"]
    assert data["unit"] == "lb" and data["volume"] == "1102.3" and data["volume_kg"] == "500.00"


def test_todays_workout_link_lands_on_the_screen(client, org, client_record, today):
    client.force_login(client_record.user)
    response = client.get(reverse("training:portal_today"))
    assert response["Location"] == _screen(client, today["scheduled"])
    other_user = UserFactory()
    ClientFactory(organization=org, user=other_user, email=other_user.email)
    client.force_login(other_user)
    assert client.get(reverse("training:portal_today"))["Location"] == reverse("training:portal_workouts")
    assert client.get(_screen(client, today["scheduled"])).status_code == 404  # not theirs


def test_coach_sets_allowed_swaps_and_an_assigned_copy_keeps_them(client, org, coach, coach_api, client_record):
    item = PrescribedExerciseFactory(organization=org)
    goblet = ExerciseFactory(organization=org, name="Goblet squat")
    # In the builder's swap box: allow, then remove.
    client.force_login(coach)
    htmx = {"HTTP_HX_REQUEST": "true"}
    allow = reverse("training:item_action", args=[item.pk, "allow"])
    box = client.post(allow, {"exercise": goblet.pk}, **htmx).content.decode()
    assert "Goblet squat" in box and "from the allowed swaps" in box
    client.post(reverse("training:item_action", args=[item.pk, "disallow"]), {"exercise": goblet.pk}, **htmx)
    assert not item.allowed_swaps.exists()
    assert client.post(allow, {"exercise": ExerciseFactory().pk}).status_code == 404  # another business's
    url = f"/api/v1/prescribed-exercises/{item.pk}/allowed-swaps/"
    assert coach_api.post(url, {"exercises": [ExerciseFactory().pk]}, format="json").status_code == 400
    saved = coach_api.post(url, {"exercises": [goblet.pk]}, format="json")
    assert saved.status_code == 200 and [e["name"] for e in saved.data["exercises"]] == ["Goblet squat"]
    program = item.block.workout.program
    services.assign_program(program=program, clients=[client_record], start_date=timezone.now().date())
    copy = program.copies.get().workouts.get().blocks.get().items.get()
    assert list(copy.allowed_swaps.all()) == [goblet]
