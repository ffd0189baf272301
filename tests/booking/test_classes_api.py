"""Classes through the API and the pages: timetable CRUD, occurrences with places left and
rosters for coaches; book, waitlist and offers for clients; lists N+1 free."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from booking import services
from booking.models import Booking, GroupClass, Session, WaitlistEntry
from booking.tokens import offer_token
from mecto.comms.models import OutboundMessage
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, UserFactory

from .factories import ServiceTypeFactory

pytestmark = pytest.mark.django_db
NOW = "2026-06-01 06:00"


def portal_client(org, **fields):
    user = UserFactory()
    return ClientFactory(organization=org, user=user, email=user.email, **fields)


def group_service(studio, **fields):
    return ServiceTypeFactory(organization=studio.org, coaches=[studio.coach], capacity=10, name="Spin", **fields)


def make_class(studio, capacity=2, **fields):
    return services.save_group_class(
        organization=studio.org,
        service=group_service(studio),
        coach=studio.coach,
        capacity=capacity,
        weekly_times=[{"weekday": 1, "start_time": "07:00"}],
        starts_on=date(2026, 6, 1),
        **fields,
    )


def first_session(group_class):
    return Session.objects.filter(group_class=group_class).order_by("start_at").first()


def count_queries(api, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
    assert response.status_code == 200, getattr(response, "data", response)
    return len(ctx.captured_queries)


# --- Coaches: the timetable ----------------------------------------------------------------------
@freeze_time(NOW)
def test_coach_adds_a_class_through_the_api_and_its_occurrences_appear(studio):
    api = api_as(studio.coach)
    service = group_service(studio)
    response = api.post(
        "/api/v1/booking/classes/",
        {
            "service": service.pk,
            "coach": studio.coach.pk,
            "capacity": 8,
            "weekly_times": [{"weekday": 0, "start_time": "18:30"}, {"weekday": 2, "start_time": "07:00"}],
            "starts_on": "2026-06-01",
            "room": "Studio 2",
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["weekly_times"] == [
        {"weekday": 0, "start_time": "18:30"},
        {"weekday": 2, "start_time": "07:00"},
    ]
    class_id = response.data["id"]
    sessions = api.get("/api/v1/booking/class-sessions/", {"end": "2026-06-08T00:00:00Z"}).data["results"]
    assert [(s["start_at"], s["places_left"]) for s in sessions] == [
        ("2026-06-01T17:30:00Z", 8),
        ("2026-06-03T06:00:00Z", 8),
    ]
    changed = api.patch(f"/api/v1/booking/classes/{class_id}/", {"capacity": 12}, format="json")
    assert changed.status_code == 200 and changed.data["places"] == 12
    assert set(Session.objects.filter(group_class_id=class_id).values_list("capacity", flat=True)) == {12}
    assert api.delete(f"/api/v1/booking/classes/{class_id}/").status_code == 204
    assert not Session.objects.filter(group_class_id=class_id, status="scheduled").exists()


@freeze_time(NOW)
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weekly_times": []}, "weekly_times"),
        ({"weekly_times": [{"weekday": 7, "start_time": "07:00"}]}, "weekly_times"),
        ({"weekly_times": [{"weekday": 1, "start_time": "25:00"}]}, "weekly_times"),
        ({"weekly_times": "Tuesday"}, "weekly_times"),
        ({"capacity": 0}, "capacity"),
        ({"ends_on": "2026-05-01"}, "ends_on"),
        ({"service": 999999}, "service"),
    ],
)
def test_bad_timetable_input_is_a_400_naming_the_field(studio, body, field):
    service = group_service(studio)
    payload = {
        "service": service.pk,
        "coach": studio.coach.pk,
        "weekly_times": [{"weekday": 1, "start_time": "07:00"}],
        "starts_on": "2026-06-01",
        **body,
    }
    response = api_as(studio.coach).post("/api/v1/booking/classes/", payload, format="json")
    assert response.status_code == 400, response.data
    assert any(key.split(".")[0] == field for key in response.data["errors"]), response.data
    assert not GroupClass.objects.exists() and not Session.objects.exists()


@freeze_time(NOW)
def test_coach_sees_the_roster_changes_places_and_cancels_an_occurrence(studio):
    session = first_session(make_class(studio, capacity=1))
    a, b = ClientFactory(organization=studio.org), ClientFactory(organization=studio.org)
    services.book_class(session=session, client=a)
    services.book_class(session=session, client=b, join_waitlist=True)
    api = api_as(studio.coach)
    roster = api.get(f"/api/v1/booking/class-sessions/{session.pk}/").data
    assert [r["client"] for r in roster["bookings"]] == [a.pk]
    assert [(w["client"], w["position"], w["status"]) for w in roster["waitlist"]] == [(b.pk, 1, "waiting")]
    roster = api.post(f"/api/v1/booking/class-sessions/{session.pk}/capacity/", {"capacity": 2}, format="json").data
    assert roster["waitlist"][0]["status"] == "offered" and roster["places_left"] == 0
    bad = api.post(f"/api/v1/booking/class-sessions/{session.pk}/capacity/", {"capacity": "many"}, format="json")
    assert bad.status_code == 400 and "capacity" in bad.data["errors"]
    cancelled = api.post(f"/api/v1/booking/class-sessions/{session.pk}/cancel/", {"reason": "Ill"}, format="json")
    assert cancelled.status_code == 200 and cancelled.data["status"] == "cancelled"


# --- Clients under /me/ --------------------------------------------------------------------------
@freeze_time(NOW)
def test_client_books_joins_the_waitlist_and_confirms_an_offer_through_the_api(studio):
    session = first_session(make_class(studio, capacity=1))
    first, second = portal_client(studio.org), portal_client(studio.org)
    api1, api2 = api_as(first.user), api_as(second.user)
    booked = api1.post(f"/api/v1/me/classes/{session.pk}/book/", {}, format="json")
    assert booked.status_code == 201 and booked.data["booking"]["status"] == "confirmed"
    full = api2.post(f"/api/v1/me/classes/{session.pk}/book/", {}, format="json")
    assert full.status_code == 400 and full.data["errors"]["session"] == ["This class is full."]
    joined = api2.post(f"/api/v1/me/classes/{session.pk}/book/", {"join_waitlist": True}, format="json")
    assert joined.status_code == 201 and joined.data["waitlist"]["position"] == 1
    listed = {row["id"]: row for row in api2.get("/api/v1/me/classes/").data}
    assert listed[session.pk]["places_left"] == 0 and listed[session.pk]["my_waitlist"]["position"] == 1
    refused = api2.post(f"/api/v1/me/classes/{session.pk}/confirm-offer/", format="json")
    assert refused.status_code == 400
    api1.post(f"/api/v1/me/bookings/{booked.data['booking']['public_id']}/cancel/", {}, format="json")
    mine = api2.get("/api/v1/me/class-waitlist/").data["results"]
    assert mine[0]["status"] == "offered" and mine[0]["offer_expires_at"]
    confirmed = api2.post(f"/api/v1/me/classes/{session.pk}/confirm-offer/", format="json")
    assert confirmed.status_code == 201 and confirmed.data["status"] == "confirmed"
    assert WaitlistEntry.objects.get().status == "booked"


@freeze_time(NOW)
def test_client_leaves_the_waitlist_through_the_api(studio):
    session = first_session(make_class(studio, capacity=1))
    services.book_class(session=session, client=ClientFactory(organization=studio.org))
    me = portal_client(studio.org)
    api = api_as(me.user)
    api.post(f"/api/v1/me/waitlist/{session.pk}/", format="json")  # no such route: a 404, nothing joined
    assert api.post(f"/api/v1/me/classes/{session.pk}/waitlist/", format="json").status_code == 201
    left = api.post(f"/api/v1/me/classes/{session.pk}/leave-waitlist/", format="json")
    assert left.status_code == 200 and left.data["status"] == "left"
    again = api.post(f"/api/v1/me/classes/{session.pk}/leave-waitlist/", format="json")
    assert again.status_code == 400


@freeze_time(NOW)
def test_another_business_class_is_a_404_for_a_client(studio):
    from .conftest import Studio

    other = Studio()
    foreign = first_session(make_class(other))
    me = portal_client(studio.org)
    assert api_as(me.user).post(f"/api/v1/me/classes/{foreign.pk}/book/", {}, format="json").status_code == 404
    assert not Booking.objects.exists()


# --- Query counts ----------------------------------------------------------------------------------
def _classes(studio, n):
    for _ in range(n):
        coach = MembershipFactory(organization=studio.org).user
        group_class = GroupClass.objects.create(
            organization=studio.org,
            service=ServiceTypeFactory(organization=studio.org, coaches=[coach], capacity=10),
            coach=coach,
            capacity=3,
            weekly_times=[{"weekday": 1, "start_time": "07:00"}],
            starts_on=date(2026, 6, 1),
        )
        services.generate_class_sessions(group_class=group_class, weeks=1)
        session = first_session(group_class)
        services.book_class(session=session, client=ClientFactory(organization=studio.org))


@freeze_time(NOW)
@pytest.mark.parametrize("url", ["/api/v1/booking/classes/", "/api/v1/booking/class-sessions/"])
def test_coach_class_lists_do_not_grow_with_rows(studio, url):
    api = api_as(studio.coach)
    _classes(studio, 10)
    few = count_queries(api, url + "?page_size=100")
    _classes(studio, 90)
    assert count_queries(api, url + "?page_size=100") == few


@freeze_time(NOW)
def test_client_class_lists_do_not_grow_with_rows(studio, client):
    me = portal_client(studio.org)
    api = api_as(me.user)
    _classes(studio, 10)
    few = count_queries(api, "/api/v1/me/classes/")
    client.force_login(me.user)
    client.get("/portal/classes/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/portal/classes/")
    few_page = len(ctx.captured_queries)
    _classes(studio, 90)
    assert count_queries(api, "/api/v1/me/classes/") == few
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/portal/classes/").status_code == 200
    assert len(ctx.captured_queries) == few_page


@freeze_time(NOW)
def test_coach_and_public_class_pages_do_not_grow_with_rows(studio, client):
    _classes(studio, 10)
    client.force_login(studio.coach)
    counts = {}
    for url in ("/booking/classes/", f"/book/{studio.org.slug}/classes/"):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts[url] = len(ctx.captured_queries)
    _classes(studio, 90)
    for url, few in counts.items():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        assert len(ctx.captured_queries) == few, url


# --- Pages -----------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_coach_adds_a_class_on_its_page_and_bad_input_shows_beside_the_field(studio, client):
    client.force_login(studio.coach)
    service = group_service(studio)
    assert client.get("/booking/classes/").status_code == 200
    form = {
        "service": service.pk,
        "coach": studio.coach.pk,
        "weekdays": [0, 3],
        "start_time": "07:00",
        "location_type": "in_person",
        "starts_on": "2026-06-01",
        "ends_on": "2026-05-01",
    }
    response = client.post("/booking/classes/new/", form)
    assert response.status_code == 400 and "The last day comes after the first day." in response.content.decode()
    assert not GroupClass.objects.exists()
    form["ends_on"] = ""
    response = client.post("/booking/classes/new/", form)
    assert response.status_code == 302
    group_class = GroupClass.objects.get()
    assert group_class.weekly_times == [{"weekday": 0, "start_time": "07:00"}, {"weekday": 3, "start_time": "07:00"}]
    session = first_session(group_class)
    page = client.get(f"/booking/classes/sessions/{session.pk}/")
    assert page.status_code == 200 and "Nobody is booked yet" in page.content.decode()
    assert client.get(f"/booking/classes/{group_class.pk}/").status_code == 200


@freeze_time(NOW)
def test_coach_marks_attendance_and_cancels_from_the_roster(studio, client):
    session = first_session(make_class(studio))
    booking = services.book_class(session=session, client=ClientFactory(organization=studio.org))
    client.force_login(studio.coach)
    roster = f"/booking/classes/sessions/{session.pk}/"
    with freeze_time(session.start_at + timedelta(minutes=5)):
        response = client.post(
            f"/booking/bookings/{booking.public_id}/attendance/", {"attendance": "attended", "next": roster}
        )
        assert response.status_code == 302 and response["Location"] == roster
    booking.refresh_from_db()
    assert booking.attendance == "attended"
    second = Session.objects.filter(group_class=session.group_class).order_by("start_at")[1]
    response = client.post(f"/booking/classes/sessions/{second.pk}/", {"action": "cancel", "reason": "Holiday"})
    assert response.status_code == 302
    assert Session.objects.get(pk=second.pk).status == "cancelled"


@freeze_time(NOW)
def test_a_visitor_books_and_then_joins_the_waitlist_on_the_public_page(studio, client):
    group_class = make_class(studio, capacity=1)
    session = first_session(group_class)
    page = client.get(f"/book/{studio.org.slug}/classes/")
    assert page.status_code == 200 and "1 place left" in page.content.decode()
    url = f"/book/{studio.org.slug}/classes/{group_class.public_id}/{session.class_occurrence}/"
    bad = client.post(url, {"first_name": "Ann", "email": "not-an-email"})
    assert bad.status_code == 400 and not Booking.objects.exists()
    done = client.post(url, {"first_name": "Ann", "email": "ann@example.com"})
    assert done.status_code == 200 and "You are booked" in done.content.decode()
    waiting = client.post(url, {"first_name": "Bo", "email": "bo@example.com", "phone": "+447700900123"})
    assert "You are number 1 in line" in waiting.content.decode()
    assert client.get(f"/book/{studio.org.slug}/classes/{group_class.public_id}/nonsense/").status_code == 404


@freeze_time(NOW)
def test_the_offer_link_books_with_one_click_and_refuses_after_the_hold(studio, client):
    session = first_session(make_class(studio, capacity=1))
    a, b = ClientFactory(organization=studio.org), ClientFactory(organization=studio.org, phone="+447700900111")
    booking = services.book_class(session=session, client=a)
    entry = services.book_class(session=session, client=b, join_waitlist=True)
    services.cancel_booking(booking=booking, by=Booking.CancelledBy.CLIENT)
    email = OutboundMessage.objects.get(client_id=b.pk, channel="email")
    link = re.search(r"https?://[^\s]+/book/classes/offer/[^\s]+/", email.body_text).group(0)
    path = "/" + link.split("/", 3)[3]
    assert client.get(path.replace(offer_token(entry), "forged")).status_code == 404
    assert "A place is held for you" in client.get(path).content.decode()
    with freeze_time("2026-06-01 08:30"):
        late = client.post(path)
        assert late.status_code == 400 and "expired" in late.content.decode()
    assert client.post(path).status_code == 200
    entry.refresh_from_db()
    assert entry.status == "booked" and entry.booking.client_id == b.pk


@freeze_time(NOW)
def test_portal_client_books_joins_and_leaves_from_the_classes_page(studio, client):
    session = first_session(make_class(studio, capacity=1))
    services.book_class(session=session, client=ClientFactory(organization=studio.org))
    me = portal_client(studio.org)
    client.force_login(me.user)
    ref = f"{session.group_class.public_id}/{session.class_occurrence}"
    assert client.post("/portal/classes/", {"session": ref, "action": "book"}).status_code == 302
    page = client.get("/portal/classes/").content.decode()
    assert "Waitlist: number 1" in page
    assert client.post("/portal/classes/", {"session": ref, "action": "leave"}).status_code == 302
    assert WaitlistEntry.objects.get(client=me).status == "left"
    assert client.post("/portal/classes/", {"session": "not-a-uuid/x", "action": "book"}).status_code == 400
    assert client.post("/portal/classes/", {"session": ref, "action": "dance"}).status_code == 400
