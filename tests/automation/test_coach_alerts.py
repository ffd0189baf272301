"""Coach alerts: an intake arriving and a session booked, moved or cancelled tell the coach
once, on the dashboard and (as they choose) by email through the message log."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from freezegun import freeze_time

from automation.models import AlertKind, CoachAlert, CoachAlertPreference
from automation.services import alert_coaches, update_alert_preferences
from booking import services as booking_services
from booking.models import Booking
from clients import services as client_services
from mecto.comms.delivery import deliver
from mecto.comms.models import OutboundMessage
from mecto.models import Event, EventDelivery
from mecto.tasks import dispatch_event
from tests.booking.conftest import Studio
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = "2026-06-01 06:00"  # Monday
TUE_10 = datetime(2026, 6, 2, 10, 0, tzinfo=LONDON)


@pytest.fixture
def studio():
    return Studio()


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return run


def _to(address):
    return [m for m in mail.outbox if m.to == [address]]


@freeze_time(NOW)
def test_a_booking_made_moved_and_cancelled_tells_the_booked_coach_once_each(studio, run_on_commit):
    booking = run_on_commit(
        booking_services.book_from_public_page,
        service=studio.service,
        coach=studio.coach,
        start_at=TUE_10,
        first_name="Ivy",
        last_name="Ives",
        email="ivy@example.com",
    )
    run_on_commit(booking_services.reschedule_booking, booking=booking, start_at=TUE_10 + timedelta(hours=2))
    run_on_commit(booking_services.cancel_booking, booking=Booking.objects.get(pk=booking.pk), by="client")
    alerts = list(CoachAlert.objects.filter(recipient=studio.coach).order_by("id"))
    assert [a.kind for a in alerts] == ["booked", "moved", "cancelled"]
    assert alerts[0].title == f"Ivy Ives booked {studio.service.name}" and "Tue 2 Jun 2026, 10:00" in alerts[0].detail
    assert "From Tue 2 Jun 2026, 10:00" in alerts[1].detail and "12:00" in alerts[1].detail
    emails = _to(studio.coach.email)
    assert [m.subject for m in emails] == [a.title for a in alerts]
    assert reverse("booking:session", args=[booking.session_id]) in emails[0].body
    logged = OutboundMessage.objects.filter(topic="coach-alerts", to_address=studio.coach.email)
    assert logged.count() == 3 and {m.category for m in logged} == {"transactional"}
    # The outbox running again for the same event tells nobody twice.
    event = Event.objects.get(name="booking.created")
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)
    EventDelivery.objects.filter(event=event).delete()
    run_on_commit(dispatch_event, event.pk)
    assert CoachAlert.objects.filter(recipient=studio.coach).count() == 3 and len(_to(studio.coach.email)) == 3


@freeze_time(NOW)
def test_a_coach_booking_by_hand_is_not_told_about_it(studio, run_on_commit):
    chloe = ClientFactory(organization=studio.org, coach=studio.coach)
    run_on_commit(
        booking_services.book_session,
        service=studio.service,
        coach=studio.coach,
        client=chloe,
        start_at=TUE_10,
        actor=studio.coach,
    )
    assert not CoachAlert.objects.exists() and not _to(studio.coach.email)


@freeze_time(NOW)
def test_an_intake_tells_the_clients_coach_or_the_owners_and_coaches(run_on_commit, org, owner, coach):
    other_coach = MembershipFactory(organization=org, role="coach").user
    assistant = MembershipFactory(organization=org, role="assistant").user
    form = client_services.ensure_default_intake_form(organization=org)
    mine = ClientFactory(organization=org, coach=coach, first_name="Mia", last_name="Mine")
    answers = {
        "goal": "strength",
        "experience": "advanced",
        "days_per_week": 4,
        "session_minutes": "60",
        **{q.key: "no" for q in form.questions.filter(key__startswith="parq_")},
    }
    run_on_commit(client_services.submit_intake, form=form, client=mine, answers=answers, source="request")
    [alert] = CoachAlert.objects.all()
    assert alert.recipient == coach and alert.title == "Mia Mine sent their intake form"
    assert alert.path == reverse("clients:intake", args=[mine.pk])
    assert len(_to(coach.email)) == 1
    run_on_commit(
        client_services.submit_intake,
        form=form,
        answers=answers,
        contact={"first_name": "Lea", "last_name": "Lead", "email": "lea@example.com"},
    )
    told = set(CoachAlert.objects.filter(title__startswith="Lea Lead").values_list("recipient", flat=True))
    assert told == {owner.pk, coach.pk, other_coach.pk} and assistant.pk not in told
    assert "New lead." in CoachAlert.objects.filter(title__startswith="Lea Lead").first().detail


@freeze_time(NOW)
def test_a_coach_who_turned_an_email_off_still_sees_the_alert_on_the_dashboard(studio, run_on_commit, client):
    client.force_login(studio.coach)
    page = client.get(reverse("automation:alert_preferences"))
    assert page.status_code == 200
    saved = client.post(
        reverse("automation:alert_preferences"),
        {"email_intake": "on", "email_moved": "on", "email_cancelled": "on"},
        follow=True,
    )
    assert "Your alert settings are saved." in saved.content.decode()
    preference = CoachAlertPreference.objects.get(user=studio.coach)
    assert not preference.email_booked and preference.email_moved
    run_on_commit(
        booking_services.book_from_public_page,
        service=studio.service,
        coach=studio.coach,
        start_at=TUE_10,
        first_name="Ivy",
        last_name="Ives",
        email="ivy@example.com",
    )
    assert not _to(studio.coach.email)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Recent activity" in dashboard and f"Ivy Ives booked {studio.service.name}" in dashboard
    alerts_page = client.get(reverse("automation:alert_preferences")).content.decode()
    assert f"Ivy Ives booked {studio.service.name}" in alerts_page


def test_an_email_turned_off_after_it_was_queued_is_not_sent(studio):
    with freeze_time(NOW):  # after-commit work does not run: the alert email stays queued
        booking_services.book_from_public_page(
            service=studio.service, coach=studio.coach, start_at=TUE_10, first_name="Ivy", email="ivy@example.com"
        )
    event = Event.objects.get(name="booking.created")
    alert_coaches(event=event, kind=AlertKind.BOOKED, recipients=[studio.coach], title="Ivy booked")
    update_alert_preferences(organization=studio.org, user=studio.coach, email_booked=False)
    message = OutboundMessage.objects.get(topic="coach-alerts")
    assert message.idempotency_key == f"coach-alert:{event.pk}:{studio.coach.pk}"
    deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.CANCELLED and not _to(studio.coach.email)


def test_the_coach_reads_and_changes_their_own_preferences_through_the_api(org, coach, owner):
    api = api_as(coach)
    url = "/api/v1/alerts/preferences/"
    assert api.get(url).data == {
        "email_intake": True,
        "email_booked": True,
        "email_moved": True,
        "email_cancelled": True,
    }
    changed = api.patch(url, {"email_cancelled": False}, format="json")
    assert changed.status_code == 200 and changed.data["email_cancelled"] is False
    bad = api.patch(url, {"email_booked": "sometimes"}, format="json")
    assert bad.status_code == 400 and "email_booked" in bad.data["errors"]
    assert CoachAlertPreference.objects.get(user=coach).email_booked is True
    assert api_as(owner).get(url).data["email_cancelled"] is True  # each coach has their own
    portal_client = ClientFactory(organization=org, user=UserFactory())
    assert api_as(portal_client.user).get(url).status_code == 403
