"""The booking API: coaches manage everything, clients book under /me/."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from booking import selectors, services
from booking.models import Booking, ServiceType
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, UserFactory

from .factories import ServiceTypeFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = "2026-06-01 06:00"
TUE_10 = datetime(2026, 6, 2, 10, 0, tzinfo=LONDON)


def queries(api, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
    assert response.status_code == 200, response.data
    return len(ctx.captured_queries)


def portal_client(org, **fields):
    user = UserFactory()
    return ClientFactory(organization=org, user=user, email=user.email, **fields)


@freeze_time(NOW)
def test_coach_sets_hours_adds_a_service_and_reads_slots(studio):
    api = api_as(studio.coach)
    rule = api.post(
        "/api/v1/booking/availability-rules/",
        {"coach": studio.coach.pk, "weekday": 5, "start_time": "10:00", "end_time": "12:00"},
    )
    assert rule.status_code == 201, rule.data
    overlap = api.post(
        "/api/v1/booking/availability-rules/",
        {"coach": studio.coach.pk, "weekday": 5, "start_time": "11:00", "end_time": "13:00"},
    )
    assert overlap.status_code == 400 and "start_time" in overlap.data["errors"]
    created = api.post(
        "/api/v1/booking/services/",
        {
            "name": "Strength 1:1",
            "duration_minutes": 45,
            "price_minor": 4500,
            "currency": "GBP",
            "location_type": "virtual",
            "coaches": [studio.coach.pk],
        },
    )
    assert created.status_code == 201, created.data
    assert created.data["slug"] == "strength-11"
    slots = api.get(f"/api/v1/booking/services/{created.data['id']}/slots/?start=2026-06-06&days=1&tz=Asia/Tokyo")
    assert slots.status_code == 200
    # Tokyo's 6 June is 15:00 Friday to 15:00 Saturday in London time (UTC+1 → UTC+9): the
    # last Friday slot (16:00 London) and Saturday 10:00–12:00 (45 min in 30 min steps).
    assert [s["local_start"][11:16] for s in slots.data] == ["00:00", "18:00", "18:30", "19:00"]
    assert all(s["local_start"].endswith("+09:00") for s in slots.data)
    bad = api.get(f"/api/v1/booking/services/{created.data['id']}/slots/?tz=Mars/Olympus")
    assert bad.status_code == 400 and "tz" in bad.data["errors"]


@freeze_time(NOW)
def test_service_validation_errors_name_the_field(studio):
    api = api_as(studio.coach)
    response = api.post(
        "/api/v1/booking/services/",
        {
            "name": "Deposit",
            "payment_requirement": "deposit",
            "price_minor": 1000,
            "deposit_minor": 0,
            "address": "x",
            "coaches": [studio.coach.pk],
        },
    )
    assert response.status_code == 400 and "deposit_minor" in response.data["errors"]
    assert not ServiceType.objects.filter(name="Deposit").exists()


@freeze_time(NOW)
def test_coach_books_by_hand_moves_marks_and_cancels(studio):
    api = api_as(studio.coach)
    client = ClientFactory(organization=studio.org)
    created = api.post(
        "/api/v1/booking/bookings/",
        {"client": client.pk, "service": studio.service.pk, "coach": studio.coach.pk, "start_at": TUE_10.isoformat()},
    )
    assert created.status_code == 201, created.data
    public_id = created.data["public_id"]
    clash = api.post(
        "/api/v1/booking/bookings/",
        {
            "client": ClientFactory(organization=studio.org).pk,
            "service": studio.service.pk,
            "coach": studio.coach.pk,
            "start_at": TUE_10.isoformat(),
        },
    )
    assert clash.status_code == 400 and "start_at" in clash.data["errors"]
    naive = api.post(
        "/api/v1/booking/bookings/",
        {"client": client.pk, "service": studio.service.pk, "coach": studio.coach.pk, "start_at": "2026-06-03T10:00"},
    )
    assert naive.status_code in (201, 400)  # DRF makes naive times aware in UTC; never a 500
    moved = api.post(f"/api/v1/booking/bookings/{public_id}/reschedule/", {"start_at": "2026-06-02T15:00:00+01:00"})
    assert moved.status_code == 200 and moved.data["start_at"].startswith("2026-06-02T14:00")
    early = api.post(f"/api/v1/booking/bookings/{public_id}/attendance/", {"attendance": "attended"})
    assert early.status_code == 400 and "attendance" in early.data["errors"]
    with freeze_time("2026-06-02 14:30"):
        done = api.post(f"/api/v1/booking/bookings/{public_id}/attendance/", {"attendance": "attended"})
        assert done.status_code == 200 and done.data["attendance"] == "attended"
    session = api.get(f"/api/v1/booking/sessions/{created.data['session']}/")
    assert session.data["bookings"][0]["public_id"] == public_id
    notes = api.patch(f"/api/v1/booking/sessions/{created.data['session']}/", {"notes": "Deadlift PR"})
    assert notes.status_code == 200 and notes.data["notes"] == "Deadlift PR"


@freeze_time(NOW)
def test_policy_read_by_coaches_changed_by_owners(studio):
    coach = MembershipFactory(organization=studio.org, role="coach").user
    assert api_as(coach).get("/api/v1/booking/policy/").data["cancellation_deadline_hours"] == 24
    assert api_as(coach).patch("/api/v1/booking/policy/", {"cancellation_deadline_hours": 6}).status_code == 403
    owner = api_as(studio.coach)
    response = owner.patch(
        "/api/v1/booking/policy/", {"cancellation_deadline_hours": 6, "reminder_offsets_minutes": [60]}
    )
    assert response.status_code == 200 and response.data["reminder_offsets_minutes"] == [60]
    bad = owner.patch("/api/v1/booking/policy/", {"reminder_offsets_minutes": [1]})
    assert bad.status_code == 400 and "reminder_offsets_minutes" in bad.data["errors"]


@freeze_time(NOW)
def test_client_books_an_open_slot_lists_and_cancels(studio):
    me = portal_client(studio.org)
    api = api_as(me.user)
    listed = api.get("/api/v1/me/booking/services/")
    assert [s["id"] for s in listed.data] == [studio.service.pk]
    slots = api.get(f"/api/v1/me/booking/services/{studio.service.pk}/slots/?start=2026-06-02&days=1")
    assert slots.status_code == 200 and slots.data[0]["start"].startswith("2026-06-02T08:00")
    created = api.post("/api/v1/me/bookings/", {"service": studio.service.pk, "start_at": slots.data[2]["start"]})
    assert created.status_code == 201, created.data
    assert created.data["source"] == "app" and created.data["coach"] == studio.coach.pk
    outside = api.post("/api/v1/me/bookings/", {"service": studio.service.pk, "start_at": "2026-06-02T22:00:00Z"})
    assert outside.status_code == 400 and "start_at" in outside.data["errors"]
    mine = api.get("/api/v1/me/bookings/")
    assert [b["public_id"] for b in mine.data["results"]] == [created.data["public_id"]]
    cancelled = api.post(f"/api/v1/me/bookings/{created.data['public_id']}/cancel/", {"reason": "Sick"})
    assert cancelled.status_code == 200 and cancelled.data["status"] == "cancelled"
    assert cancelled.data["cancelled_by"] == "client"


@freeze_time(NOW)
def test_client_late_cancel_through_the_app_forfeits_the_credit(studio):
    credit = ServiceTypeFactory(organization=studio.org, coaches=[studio.coach], payment_requirement="credit")
    me = portal_client(studio.org)
    services.grant_credits(client=me, quantity=1, source_ref="pkg")
    api = api_as(me.user)
    created = api.post("/api/v1/me/bookings/", {"service": credit.pk, "start_at": "2026-06-01T10:00:00Z"})
    assert created.status_code == 201 and created.data["payment_status"] == "credit"
    assert api.get("/api/v1/me/credits/balance/").data == {"balance": 0}
    api.post(f"/api/v1/me/bookings/{created.data['public_id']}/cancel/", {})
    assert api.get("/api/v1/me/credits/balance/").data == {"balance": 0}
    kinds = [e["kind"] for e in api.get("/api/v1/me/credits/").data["results"]]
    assert kinds == ["forfeit", "consume"]
    no_credit = api.post("/api/v1/me/bookings/", {"service": credit.pk, "start_at": "2026-06-03T10:00:00Z"})
    assert no_credit.status_code == 400 and "credit" in no_credit.data["detail"].lower()


@freeze_time(NOW)
def test_coach_grants_credits_once_per_source(studio):
    api = api_as(studio.coach)
    client = ClientFactory(organization=studio.org)
    for _ in range(2):
        response = api.post(
            "/api/v1/booking/credit-grants/", {"client": client.pk, "quantity": 5, "source_ref": "goodwill:1"}
        )
        assert response.status_code == 201 and response.data["remaining"] == 5
    assert selectors.credit_balance(client=client) == 5
    assert api.post("/api/v1/booking/credit-grants/", {"client": client.pk, "quantity": 0}).status_code == 400


def _bookings(studio, n):
    start = datetime(2026, 6, 3, 6, 0, tzinfo=LONDON)
    for i in range(n):
        services.book_session(
            service=studio.service,
            coach=studio.coach,
            client=ClientFactory(organization=studio.org),
            start_at=start + timedelta(hours=i),
        )


@freeze_time(NOW)
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/booking/bookings/?page_size=100",
        "/api/v1/booking/sessions/?page_size=100",
        "/api/v1/booking/services/?page_size=100",
        "/api/v1/booking/credit-entries/?page_size=100",
        "/api/v1/booking/credit-grants/?page_size=100",
    ],
)
def test_coach_lists_do_not_grow_with_rows(studio, url):
    api = api_as(studio.coach)
    credit = ServiceTypeFactory(organization=studio.org, coaches=[studio.coach], payment_requirement="credit")
    client = ClientFactory(organization=studio.org)

    def add(n, offset):
        _bookings(studio, n) if offset == 0 else None
        for i in range(n):
            ServiceTypeFactory(organization=studio.org, coaches=[studio.coach])
            services.grant_credits(client=client, quantity=1, source_ref=f"g{offset}-{i}")
            services.book_session(
                service=credit,
                coach=studio.coach,
                client=client,
                start_at=datetime(2026, 7, 1, 0, 0, tzinfo=LONDON) + timedelta(hours=offset + i),
            )

    add(10, 0)
    few = queries(api, url)
    _bookings_more = datetime(2026, 8, 1, 0, 0, tzinfo=LONDON)
    for i in range(90):
        services.book_session(
            service=studio.service,
            coach=studio.coach,
            client=ClientFactory(organization=studio.org),
            start_at=_bookings_more + timedelta(hours=i),
        )
    add(90, 1000)
    assert queries(api, url) == few


@freeze_time(NOW)
def test_my_bookings_list_does_not_grow_with_rows(studio):
    me = portal_client(studio.org)
    api = api_as(me.user)
    start = datetime(2026, 6, 3, 0, 0, tzinfo=LONDON)
    for i in range(10):
        services.book_session(
            service=studio.service, coach=studio.coach, client=me, start_at=start + timedelta(hours=i)
        )
    few = queries(api, "/api/v1/me/bookings/?page_size=100")
    for i in range(10, 100):
        services.book_session(
            service=studio.service, coach=studio.coach, client=me, start_at=start + timedelta(hours=i)
        )
    assert queries(api, "/api/v1/me/bookings/?page_size=100") == few
    assert Booking.objects.filter(client=me).count() == 100
