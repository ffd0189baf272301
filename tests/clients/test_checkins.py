"""Check-ins: schedules in local time across DST, due/overdue, missed once, submission into
progress entries and photos, the coach's reply in the client's thread, and the pages."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from clients import selectors, services
from clients.models import CheckIn, CheckInForm, CheckInQuestion, Client, Message, Metric, ProgressEntry, ProgressPhoto
from mecto.comms.models import OutboundMessage
from mecto.models import Event
from tests.clients.factories import jpeg_bytes
from tests.factories import ClientFactory, UserFactory
from tests.shared_data import DEMO_NOW

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def london_client(org):
    user = UserFactory()
    return ClientFactory(
        organization=org, user=user, email=user.email, time_zone="Europe/London", unit_system="imperial"
    )


@pytest.fixture
def weekly_form(org):
    services.ensure_builtin_metrics(organization=org)
    form = services.create_checkin_form(organization=org, name="Weekly check-in", grace_hours=48)
    weight = Metric.objects.get(organization=org, key="weight")
    services.add_checkin_question(form=form, label="How was your week?", kind="scale", required=True)
    services.add_checkin_question(form=form, label="Weight", kind="metric", metric=weight)
    services.add_checkin_question(form=form, label="Front photo", kind="photo", pose="front")
    services.add_checkin_question(form=form, label="Anything else?", kind="long_text")
    return form


def photo(name="front.jpg"):
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


# --- Schedule in local time -----------------------------------------------------------------------
def test_weekly_schedule_keeps_local_time_across_the_spring_clock_change(london_client, weekly_form):
    with freeze_time("2026-03-20 12:00:00"):
        schedule = services.save_checkin_schedule(
            client=london_client,
            form=weekly_form,
            frequency="weekly",
            weekday=6,
            local_time=datetime.time(18, 0),
            starts_on=datetime.date(2026, 3, 20),
        )
    # Sunday 22 March is GMT (18:00 UTC); Sunday 29 March is BST (17:00 UTC): both 18:00 in London.
    assert schedule.next_due_at == utc(2026, 3, 22, 18, 0)
    assert services.next_occurrence(schedule, schedule.next_due_at) == utc(2026, 3, 29, 17, 0)


def test_autumn_clock_change_and_every_two_weeks(london_client, weekly_form):
    with freeze_time("2026-10-01 12:00:00"):
        schedule = services.save_checkin_schedule(
            client=london_client,
            form=weekly_form,
            frequency="weekly",
            interval_weeks=2,
            weekday=6,
            local_time=datetime.time(1, 30),
            starts_on=datetime.date(2026, 10, 11),
        )
    # 25 October 01:30 happens twice in London: the first (BST, 00:30 UTC) is the one.
    assert schedule.next_due_at == utc(2026, 10, 11, 0, 30)
    assert services.next_occurrence(schedule, schedule.next_due_at) == utc(2026, 10, 25, 0, 30)
    assert services.next_occurrence(schedule, utc(2026, 10, 25, 0, 30)) == utc(2026, 11, 8, 1, 30)


def test_a_time_the_spring_clock_skips_opens_an_hour_later(london_client, weekly_form):
    with freeze_time("2026-03-20 12:00:00"):
        schedule = services.save_checkin_schedule(
            client=london_client, form=weekly_form, weekday=6, local_time=datetime.time(1, 30)
        )
    assert schedule.next_due_at == utc(2026, 3, 22, 1, 30)
    # 29 March 01:30 does not exist in London: 02:30 BST = 01:30 UTC.
    assert services.next_occurrence(schedule, schedule.next_due_at) == utc(2026, 3, 29, 1, 30)


def test_monthly_on_the_31st_falls_on_the_last_day_of_short_months(org, weekly_form):
    client = ClientFactory(organization=org, time_zone="America/New_York")
    with freeze_time("2026-01-15 12:00:00"):
        schedule = services.save_checkin_schedule(
            client=client, form=weekly_form, frequency="monthly", day_of_month=31, local_time="08:00"
        )
    assert schedule.next_due_at == utc(2026, 1, 31, 13, 0)
    feb = services.next_occurrence(schedule, schedule.next_due_at)
    assert feb == utc(2026, 2, 28, 13, 0)
    # New York moves to EDT on 8 March: 08:00 local is 12:00 UTC.
    assert services.next_occurrence(schedule, feb) == utc(2026, 3, 31, 12, 0)


def test_bad_schedule_input_is_refused_and_nothing_saved(london_client, weekly_form):
    with pytest.raises(services.CheckInError) as exc:
        services.save_checkin_schedule(client=london_client, form=weekly_form, weekday=9)
    assert exc.value.field == "weekday"
    with pytest.raises(services.CheckInError) as exc:
        services.save_checkin_schedule(client=london_client, form=weekly_form, local_time="25:99")
    assert exc.value.field == "local_time"
    assert not london_client.checkin_schedules.exists()


# --- Due, overdue, missed -------------------------------------------------------------------------
def _scheduled(client, form):
    with freeze_time("2026-03-20 12:00:00"):
        return services.save_checkin_schedule(
            client=client, form=form, weekday=6, local_time=datetime.time(18, 0), starts_on=datetime.date(2026, 3, 20)
        )


def test_checkin_opens_when_due_and_is_overdue_after_the_grace(london_client, weekly_form):
    _scheduled(london_client, weekly_form)
    assert services.open_due_checkins(now=utc(2026, 3, 22, 17, 59)) == 0
    assert services.open_due_checkins(now=utc(2026, 3, 22, 18, 0)) == 1
    checkin = CheckIn.objects.get(client=london_client)
    assert checkin.due_at == utc(2026, 3, 22, 18, 0)
    assert checkin.state(utc(2026, 3, 24, 17, 59)) == "due"
    assert checkin.state(utc(2026, 3, 24, 18, 0)) == "overdue"
    # Opening again changes nothing; the schedule moved on to the next Sunday (BST).
    assert services.open_due_checkins(now=utc(2026, 3, 22, 18, 5)) == 0
    london_client.checkin_schedules.get().refresh_from_db()
    assert london_client.checkin_schedules.get().next_due_at == utc(2026, 3, 29, 17, 0)
    # The client is told once, through the sending mechanism.
    assert OutboundMessage.objects.filter(idempotency_key=f"checkin-due:{checkin.pk}").count() == 1


def test_missed_event_is_emitted_once(london_client, weekly_form):
    _scheduled(london_client, weekly_form)
    services.open_due_checkins(now=utc(2026, 3, 22, 18, 0))
    assert services.mark_missed_checkins(now=utc(2026, 3, 24, 17, 0)) == 0
    assert services.sweep_checkins(now=utc(2026, 3, 24, 18, 0))["missed"] == 1
    assert services.sweep_checkins(now=utc(2026, 3, 24, 19, 0))["missed"] == 0
    assert services.mark_missed_checkins(now=utc(2026, 3, 30, 0, 0)) == 0
    events = Event.objects.filter(name="checkin.missed", client_id=london_client.pk)
    assert events.count() == 1
    assert events.get().payload["checkin_id"] == CheckIn.objects.get(client=london_client).pk


def test_a_late_submission_is_still_accepted(london_client, weekly_form):
    _scheduled(london_client, weekly_form)
    services.open_due_checkins(now=utc(2026, 3, 22, 18, 0))
    services.mark_missed_checkins(now=utc(2026, 3, 25, 0, 0))
    checkin = CheckIn.objects.get(client=london_client)
    with freeze_time("2026-03-25 09:00:00"):
        services.submit_checkin(checkin=checkin, answers={"how_was_your_week": 6}, actor=london_client.user)
    checkin.refresh_from_db()
    assert checkin.status == "submitted"
    assert Event.objects.get(name="checkin.submitted").payload["late"] is True


# --- Submitting -----------------------------------------------------------------------------------
def _open_checkin(client, form):
    _scheduled(client, form)
    services.open_due_checkins(now=utc(2026, 3, 22, 18, 0))
    return CheckIn.objects.get(client=client)


@freeze_time("2026-03-22 19:00:00")
def test_submission_feeds_progress_entries_in_si_and_progress_photos(london_client, weekly_form):
    checkin = _open_checkin(london_client, weekly_form)
    services.submit_checkin(
        checkin=checkin,
        answers={"how_was_your_week": "7", "weight": "176.4", "anything_else": "Knee is fine"},
        photos={"front_photo": photo()},
        actor=london_client.user,
    )
    checkin.refresh_from_db()
    entry = ProgressEntry.objects.get(client=london_client, metric__key="weight")
    assert entry.value == Decimal("80.014")  # 176.4 lb typed in the client's units, stored in kg
    assert entry.recorded_on == datetime.date(2026, 3, 22)
    assert entry.source == "client"
    assert checkin.metric_values == {"weight": "80.014"}
    assert checkin.answers["how_was_your_week"] == 7
    assert checkin.answers["anything_else"] == "Knee is fine"
    picture = ProgressPhoto.objects.get(client=london_client)
    assert picture.pose == "front" and picture.source == "client"
    assert list(checkin.photos.all()) == [picture]
    assert checkin.status == "submitted" and checkin.submitted_at is not None
    assert Event.objects.filter(name="checkin.submitted", client_id=london_client.pk).count() == 1


def test_wrong_answers_store_nothing(london_client, weekly_form):
    checkin = _open_checkin(london_client, weekly_form)
    bad = SimpleUploadedFile("x.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    with pytest.raises(services.CheckInAnswersError) as exc:
        services.submit_checkin(
            checkin=checkin, answers={"how_was_your_week": "11", "weight": "9999"}, photos={"front_photo": bad}
        )
    assert set(exc.value.errors) == {"how_was_your_week"}
    with pytest.raises(services.CheckInAnswersError) as exc:
        services.submit_checkin(checkin=checkin, answers={"how_was_your_week": "5", "weight": "9999"})
    assert set(exc.value.errors) == {"weight"}
    with pytest.raises(services.CheckInAnswersError) as exc:
        services.submit_checkin(checkin=checkin, answers={"how_was_your_week": "5"}, photos={"front_photo": bad})
    assert set(exc.value.errors) == {"front_photo"}
    checkin.refresh_from_db()
    assert checkin.status == "due"
    assert not ProgressEntry.objects.filter(client=london_client).exists()
    assert not ProgressPhoto.objects.filter(client=london_client).exists()


def test_a_retry_with_the_same_submission_id_is_one_submission(london_client, weekly_form):
    checkin = _open_checkin(london_client, weekly_form)
    first = services.submit_checkin(checkin=checkin, answers={"how_was_your_week": 8}, submission_key="abc-1")
    again = services.submit_checkin(checkin=checkin, answers={"how_was_your_week": 2}, submission_key="abc-1")
    assert again.pk == first.pk
    checkin.refresh_from_db()
    assert checkin.answers["how_was_your_week"] == 8
    with pytest.raises(services.CheckInError):
        services.submit_checkin(checkin=checkin, answers={"how_was_your_week": 2}, submission_key="other")
    assert Event.objects.filter(name="checkin.submitted").count() == 1


# --- Reviewing ------------------------------------------------------------------------------------
def test_reply_lands_in_the_clients_thread_and_marks_reviewed(london_client, weekly_form, coach):
    checkin = _open_checkin(london_client, weekly_form)
    services.submit_checkin(checkin=checkin, answers={"how_was_your_week": 8})
    services.review_checkin(checkin=checkin, actor=coach, reply="Great week, keep going!")
    checkin.refresh_from_db()
    message = Message.objects.get(client=london_client)
    assert message.body == "Great week, keep going!"
    assert message.from_client is False and message.sender == coach
    assert checkin.reply == message
    assert checkin.status == "reviewed" and checkin.reviewed_by == coach
    assert not selectors.checkin_review_queue(organization=london_client.organization).exists()


def test_queue_is_oldest_waiting_first_and_scoped_to_the_coach(org, weekly_form, coach):
    mine = ClientFactory(organization=org, coach=coach)
    other = ClientFactory(organization=org)
    rows = []
    for client, submitted in ((mine, "2026-03-23 10:00"), (other, "2026-03-22 20:00")):
        c = _open_checkin(client, weekly_form)
        with freeze_time(submitted):
            services.submit_checkin(checkin=c, answers={"how_was_your_week": 5})
        rows.append(c)
    queue = list(selectors.checkin_review_queue(organization=org))
    assert [c.client for c in queue] == [other, mine]
    assert [c.client for c in selectors.checkin_review_queue(organization=org, coach_id=coach.pk)] == [mine]


def test_metric_changes_since_last_checkin(london_client, weekly_form):
    _scheduled(london_client, weekly_form)
    services.open_due_checkins(now=utc(2026, 3, 29, 17, 0))
    first, second = CheckIn.objects.filter(client=london_client).order_by("due_at")
    with freeze_time("2026-03-22 19:00"):
        services.submit_checkin(checkin=first, answers={"how_was_your_week": 5, "weight": "180"})
    with freeze_time("2026-03-29 19:00"):
        services.submit_checkin(checkin=second, answers={"how_was_your_week": 6, "weight": "178"})
    second.refresh_from_db()
    (row,) = selectors.checkin_metric_changes(second)
    assert row["metric"].key == "weight"
    assert row["previous"] == Decimal("81.647") and row["value"] == Decimal("80.739")
    assert row["change"] == Decimal("-0.908")


# --- Builder --------------------------------------------------------------------------------------
def test_metric_questions_need_a_metric_and_photo_questions_a_pose(org):
    form = services.create_checkin_form(organization=org, name="Monthly")
    with pytest.raises(services.CheckInError) as exc:
        services.add_checkin_question(form=form, label="Weight", kind="metric")
    assert exc.value.field == "metric"
    with pytest.raises(services.CheckInError) as exc:
        services.add_checkin_question(form=form, label="Photo", kind="photo", pose="top")
    assert exc.value.field == "pose"
    with pytest.raises(services.CheckInError) as exc:
        services.create_checkin_form(organization=org, name="X", grace_hours=0)
    assert exc.value.field == "grace_hours"
    assert not CheckInQuestion.objects.filter(form=form).exists()


# --- Pages ----------------------------------------------------------------------------------------
def test_coach_builds_a_form_and_schedules_it_from_the_client_tab(client, org, owner, london_client):
    services.ensure_builtin_metrics(organization=org)
    client.force_login(owner)
    response = client.post(reverse("clients:checkin_forms"), {"name": "Weekly", "grace_hours": "48"})
    form = CheckInForm.objects.get(organization=org)
    assert response.status_code == 302
    weight = Metric.objects.get(organization=org, key="weight")
    response = client.post(
        reverse("clients:checkin_form_edit", args=[form.pk]),
        {"action": "add_question", "question-label": "Weight", "question-kind": "metric", "question-metric": weight.pk},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("clients:checkin_form_edit", args=[form.pk]),
        {"action": "add_question", "question-label": "Weight again", "question-kind": "metric"},
    )
    assert response.status_code == 400
    assert "Choose the progress metric" in response.content.decode()
    response = client.post(
        reverse("clients:client_checkins", args=[london_client.pk]),
        {
            "schedule-form": form.pk,
            "schedule-frequency": "weekly",
            "schedule-weekday": "6",
            "schedule-interval_weeks": "1",
            "schedule-day_of_month": "1",
            "schedule-local_time": "18:00",
            "schedule-starts_on": "2026-03-20",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("clients:client_checkins", args=[london_client.pk])).content.decode()
    assert "Weekly" in page and "Check-ins" in page


def test_client_submits_in_the_portal_and_coach_reviews(client, org, owner, london_client, weekly_form):
    checkin = _open_checkin(london_client, weekly_form)
    client.force_login(london_client.user)
    page = client.get(reverse("clients:portal_checkin", args=[checkin.public_id]))
    assert page.status_code == 200 and 'capture="environment"' in page.content.decode()
    response = client.post(
        reverse("clients:portal_checkin", args=[checkin.public_id]),
        {"a-how_was_your_week": "12", "submission_key": "k1"},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("clients:portal_checkin", args=[checkin.public_id]),
        {"a-how_was_your_week": "9", "a-weight": "170", "a-front_photo": photo(), "submission_key": "k1"},
    )
    assert response.status_code == 302
    client.force_login(owner)
    queue = client.get(reverse("clients:checkin_queue") + "?scope=all").content.decode()
    assert london_client.full_name in queue
    review = client.get(reverse("clients:checkin_review", args=[checkin.pk])).content.decode()
    assert "170" in review and "Front" in review
    response = client.post(reverse("clients:checkin_review", args=[checkin.pk]), {"reply": "Nice!"})
    assert response.status_code == 302
    assert Message.objects.get(client=london_client).body == "Nice!"


def test_other_business_checkins_are_404(client, org, london_client, weekly_form):
    from tests.factories import MembershipFactory

    checkin = _open_checkin(london_client, weekly_form)
    outsider = MembershipFactory(role="owner").user
    client.force_login(outsider)
    assert client.get(reverse("clients:checkin_review", args=[checkin.pk])).status_code == 404
    assert client.get(reverse("clients:checkin_form_edit", args=[weekly_form.pk])).status_code == 404
    other_client = ClientFactory(user=UserFactory())
    client.force_login(other_client.user)
    assert client.get(reverse("clients:portal_checkin", args=[checkin.public_id])).status_code == 404


def test_review_queue_page_query_count_does_not_grow(client, org, owner, weekly_form, django_assert_max_num_queries):
    def fill(n):
        for _ in range(n):
            c = ClientFactory(organization=org)
            checkin = _open_checkin(c, weekly_form)
            services.submit_checkin(checkin=checkin, answers={"how_was_your_week": 5}, photos={"front_photo": photo()})

    client.force_login(owner)
    fill(10)
    with django_assert_max_num_queries(20) as ten:
        assert client.get(reverse("clients:checkin_queue") + "?scope=all").status_code == 200
    fill(90)
    with django_assert_max_num_queries(len(ten.captured_queries)):
        page = client.get(reverse("clients:checkin_queue") + "?scope=all")
    assert page.content.decode().count('class="button small primary"') == 100


@freeze_time(DEMO_NOW)
def test_demo_has_a_weekly_checkin_one_submitted_one_due_and_signed_waivers(demo):
    chloe = Client.objects.get(email="client@demo.mecto.test")
    states = sorted(CheckIn.objects.filter(client=chloe).values_list("status", flat=True))
    assert states == ["due", "submitted"]
    for client in Client.objects.filter(organization=chloe.organization):
        assert selectors.waivers_to_sign(client=client) == []
