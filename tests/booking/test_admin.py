"""The back office reads bookings and sessions and acts on them only through the services."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from accounts.models import User
from booking import services
from booking.models import Booking, Session
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db
TUE_10 = datetime(2026, 6, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def ops(client):
    client.force_login(User.objects.create_superuser(email="ops@example.com", password="x"))
    return client


def test_cancel_actions_report_the_bookings_a_service_refuses_instead_of_failing(ops, studio):
    with freeze_time("2026-06-01 06:00"):
        attended = services.book_session(
            service=studio.service, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=TUE_10
        )
        other = services.book_session(
            service=studio.service,
            coach=studio.coach,
            client=ClientFactory(organization=studio.org),
            start_at=TUE_10.replace(hour=14),
        )
    with freeze_time("2026-06-02 12:00"):
        services.mark_attendance(booking=attended, attendance=Booking.Attendance.ATTENDED)
        response = ops.post(
            "/admin/booking/booking/",
            {"action": "cancel_bookings", "_selected_action": [attended.pk, other.pk]},
            follow=True,
        )
        assert response.status_code == 200
        shown = [str(m) for m in response.context["messages"]]
        assert "1 booking cancelled." in shown
        assert any("cannot be cancelled free of charge" in m for m in shown)
        sessions = ops.post(
            "/admin/booking/session/",
            {"action": "cancel_sessions", "_selected_action": [attended.session_id]},
            follow=True,
        )
        assert sessions.status_code == 200
    attended.refresh_from_db()
    other.refresh_from_db()
    assert attended.status == Booking.Status.CONFIRMED and other.status == Booking.Status.CANCELLED
    assert Session.objects.get(pk=attended.session_id).status == Session.Status.SCHEDULED


@freeze_time("2026-06-01 06:00")
def test_bookings_and_sessions_are_read_only_in_the_back_office(ops, studio):
    booking = services.book_session(
        service=studio.service, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=TUE_10
    )
    for path, pk in [("booking/booking", booking.pk), ("booking/session", booking.session_id)]:
        assert ops.get(f"/admin/{path}/{pk}/change/").status_code == 200  # viewable
        assert ops.get(f"/admin/{path}/add/").status_code == 403
        assert ops.post(f"/admin/{path}/{pk}/change/", {"status": "cancelled"}).status_code == 403
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    grant = services.grant_credits(client=booking.client, quantity=5, source_ref="pack")
    assert ops.post(f"/admin/booking/creditgrant/{grant.pk}/change/", {"quantity": 50}).status_code == 403
    grant.refresh_from_db()
    assert grant.quantity == 5
