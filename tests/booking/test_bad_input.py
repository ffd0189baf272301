"""Bad input on every booking form and endpoint: a clear 400 (or form error) that changes
nothing, never a 500. Each case here was a 500 or a silent acceptance before."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as WebClient
from freezegun import freeze_time

from booking import services
from booking.models import AvailabilityException, Booking, CreditGrant, RecurringSeries, ServiceType, Session
from booking.tokens import manage_token
from tests.conftest import api_as
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = "2026-06-01 06:00"  # Monday
TUE_10 = datetime(2026, 6, 2, 10, 0, tzinfo=LONDON)
EXTREME_TIMES = ["9999-12-31T23:59:00+00:00", "0001-01-01T00:00:00+09:00", "2000-01-01T10:00:00+00:00"]
EXTREME_DAYS = ["9999-12-31", "0001-01-01"]


def _web(user=None) -> WebClient:
    web = WebClient(raise_request_exception=True)
    if user is not None:
        web.force_login(user)
    return web


@pytest.fixture
def booked(studio):
    client = ClientFactory(organization=studio.org, email="chloe@example.com")
    with freeze_time(NOW):
        booking = services.book_session(service=studio.service, coach=studio.coach, client=client, start_at=TUE_10)
    return booking


def _state():
    return (
        Booking.objects.count(),
        Session.objects.count(),
        list(Session.objects.order_by("pk").values_list("start_at", flat=True)),
        RecurringSeries.objects.count(),
        CreditGrant.objects.count(),
        AvailabilityException.objects.count(),
    )


# --- API -------------------------------------------------------------------------------------------
@freeze_time(NOW)
@pytest.mark.parametrize("start_at", EXTREME_TIMES)
def test_coach_booking_and_moves_refuse_times_out_of_range(studio, booked, start_at):
    api = api_as(studio.coach)
    before = _state()
    body = {"client": booked.client_id, "service": studio.service.pk, "coach": studio.coach.pk, "start_at": start_at}
    for method, url, data in [
        ("post", "/api/v1/booking/bookings/", body),
        ("post", f"/api/v1/booking/bookings/{booked.public_id}/reschedule/", {"start_at": start_at}),
        ("patch", f"/api/v1/booking/sessions/{booked.session_id}/", {"start_at": start_at}),
    ]:
        response = getattr(api, method)(url, data, format="json")
        assert response.status_code == 400, (url, response.data)
        assert "start_at" in response.data["errors"]
    assert _state() == before


@freeze_time(NOW)
def test_coach_may_record_a_session_of_the_last_week_but_not_older(studio):
    api = api_as(studio.coach)
    client = ClientFactory(organization=studio.org)
    body = {"client": client.pk, "service": studio.service.pk, "coach": studio.coach.pk}
    recent = api.post("/api/v1/booking/bookings/", {**body, "start_at": "2026-05-27T10:00:00+01:00"}, format="json")
    assert recent.status_code == 201, recent.data
    old = api.post("/api/v1/booking/bookings/", {**body, "start_at": "2026-05-20T10:00:00+01:00"}, format="json")
    assert old.status_code == 400 and "7 days" in old.data["errors"]["start_at"][0]
    far = api.post("/api/v1/booking/bookings/", {**body, "start_at": "2030-06-02T10:00:00+01:00"}, format="json")
    assert far.status_code == 400 and "two years" in far.data["errors"]["start_at"][0]


@freeze_time(NOW)
@pytest.mark.parametrize("start_at", EXTREME_TIMES + ["2026-06-01T05:00:00+00:00"])
def test_client_booking_and_moves_refuse_past_and_far_times(studio, start_at):
    user = UserFactory()
    me = ClientFactory(organization=studio.org, user=user, email=user.email)
    mine = services.book_session(service=studio.service, coach=studio.coach, client=me, start_at=TUE_10)
    api = api_as(user)
    before = _state()
    create = api.post("/api/v1/me/bookings/", {"service": studio.service.pk, "start_at": start_at}, format="json")
    assert create.status_code == 400 and "start_at" in create.data["errors"]
    move = api.post(f"/api/v1/me/bookings/{mine.public_id}/reschedule/", {"start_at": start_at}, format="json")
    assert move.status_code == 400 and "start_at" in move.data["errors"]
    assert _state() == before


@freeze_time(NOW)
@pytest.mark.parametrize("first_date", EXTREME_DAYS + ["2026-05-01"])
def test_recurring_sessions_refuse_first_dates_out_of_range(studio, first_date):
    client = ClientFactory(organization=studio.org)
    before = _state()
    response = api_as(studio.coach).post(
        "/api/v1/booking/recurring/",
        {
            "client": client.pk,
            "service": studio.service.pk,
            "coach": studio.coach.pk,
            "first_date": first_date,
            "local_time": "10:00",
            "weeks": 2,
        },
        format="json",
    )
    assert response.status_code == 400 and "first_date" in response.data["errors"]
    assert _state() == before


@freeze_time(NOW)
@pytest.mark.parametrize("start", EXTREME_DAYS)
def test_slot_queries_refuse_days_out_of_range(studio, start):
    user = UserFactory()
    ClientFactory(organization=studio.org, user=user, email=user.email)
    for api, url in [
        (api_as(studio.coach), f"/api/v1/booking/services/{studio.service.pk}/slots/"),
        (api_as(user), f"/api/v1/me/booking/services/{studio.service.pk}/slots/"),
    ]:
        response = api.get(url, {"start": start, "tz": "Asia/Tokyo"})
        assert response.status_code == 400 and "start" in response.data["errors"]


@freeze_time(NOW)
@pytest.mark.parametrize("value", ["2026-06-01T10:00:00+99:00", "yesterday"])
def test_session_list_refuses_unreadable_times(studio, value):
    api = api_as(studio.coach)
    for key in ("start", "end"):
        response = api.get("/api/v1/booking/sessions/", {key: value})
        assert response.status_code == 400 and key in response.data["errors"]
    assert api.get("/api/v1/booking/sessions/", {"start": "2026-06-01T00:00:00Z"}).status_code == 200


@freeze_time(NOW)
@pytest.mark.parametrize("coaches", [[], {}, [10**20], ["²"]])
def test_service_needs_at_least_one_coach_of_the_team(studio, coaches):
    api = api_as(studio.coach)
    body = {"name": "Mobility", "duration_minutes": 30, "location_type": "virtual", "coaches": coaches}
    response = api.post("/api/v1/booking/services/", body, format="json")
    assert response.status_code == 400 and "coaches" in response.data["errors"]
    patch = api.patch(f"/api/v1/booking/services/{studio.service.pk}/", {"coaches": coaches}, format="json")
    assert patch.status_code == 400
    assert ServiceType.objects.count() == 1 and list(studio.service.coaches.all()) == [studio.coach]


@freeze_time(NOW)
def test_credit_grant_refuses_an_expiry_in_the_past(studio):
    client = ClientFactory(organization=studio.org)
    response = api_as(studio.coach).post(
        "/api/v1/booking/credit-grants/",
        {"client": client.pk, "quantity": 5, "expires_at": "2026-05-31T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400 and "expires_at" in response.data["errors"]
    assert not CreditGrant.objects.exists()


@freeze_time(NOW)
def test_date_exception_refuses_a_date_that_has_passed(studio):
    api = api_as(studio.coach)
    response = api.post(
        "/api/v1/booking/exceptions/", {"coach": studio.coach.pk, "date": "2026-05-31", "kind": "off"}, format="json"
    )
    assert response.status_code == 400 and "date" in response.data["errors"]
    today = api.post(
        "/api/v1/booking/exceptions/", {"coach": studio.coach.pk, "date": "2026-06-01", "kind": "off"}, format="json"
    )
    assert today.status_code == 201
    assert AvailabilityException.objects.count() == 1


# --- Pages -----------------------------------------------------------------------------------------
@freeze_time(NOW)
@pytest.mark.parametrize("value", [*EXTREME_DAYS, "²", "x"])
def test_coach_pages_survive_odd_query_values(studio, booked, value):
    web = _web(studio.coach)
    for url, key in [
        ("/booking/", "date"),
        ("/booking/", "coach"),
        ("/booking/availability/", "coach"),
        ("/booking/credits/", "client"),
        ("/booking/new/", "date"),
    ]:
        assert web.get(url, {key: value}).status_code == 200, (url, key)


@freeze_time(NOW)
@pytest.mark.parametrize("value", [*EXTREME_DAYS, "²"])
def test_public_pages_survive_odd_days(studio, booked, value):
    web = _web()
    org, service = studio.org.slug, studio.service.slug
    assert web.get(f"/book/{org}/{service}/", {"from": value}).status_code == 200
    assert web.get(f"/book/{org}/{service}/{value}/").status_code == 404
    manage = f"/book/manage/{booked.public_id}/{manage_token(booked)}/reschedule/"
    assert web.get(manage, {"date": value}).status_code == 200


@freeze_time(NOW)
@pytest.mark.parametrize("day", EXTREME_DAYS)
def test_manual_booking_and_move_forms_show_an_error_for_dates_out_of_range(studio, booked, day):
    web = _web(studio.coach)
    before = _state()
    for repeat in (1, 3):
        response = web.post(
            "/booking/new/",
            {
                "client": booked.client_id,
                "service": studio.service.pk,
                "coach": studio.coach.pk,
                "date": day,
                "time": "10:00",
                "repeat_weeks": repeat,
            },
        )
        assert response.status_code == 400
        assert response.context["form"].errors
    move = web.post(f"/booking/sessions/{booked.session_id}/", {"action": "move", "date": day, "time": "10:00"})
    assert move.status_code == 400 and move.context["move_form"].errors
    assert _state() == before


@freeze_time(NOW)
@pytest.mark.parametrize("pk", ["", "x", "²", "9" * 40])
def test_removing_an_exception_with_a_bad_id_changes_nothing(studio, pk):
    services.add_exception(organization=studio.org, coach=studio.coach, date=TUE_10.date())
    response = _web(studio.coach).post("/booking/availability/", {"action": "delete_exception", "pk": pk})
    assert response.status_code == 302
    assert AvailabilityException.objects.count() == 1


@freeze_time(NOW)
def test_service_form_refuses_coach_ids_that_cannot_exist(studio):
    response = _web(studio.coach).post(
        "/booking/services/new/",
        {
            "name": "Mobility",
            "duration_minutes": 30,
            "location_type": "virtual",
            "capacity": 1,
            "buffer_before_minutes": 0,
            "buffer_after_minutes": 0,
            "payment_requirement": "none",
            "currency": "GBP",
            "price": "0",
            "deposit": "0",
            "coaches": ["9" * 30],
        },
    )
    assert response.status_code == 400 and "coaches" in response.context["form"].errors
    assert ServiceType.objects.count() == 1


@freeze_time(NOW)
def test_credits_page_refuses_an_expiry_in_the_past(studio):
    client = ClientFactory(organization=studio.org)
    web = _web(studio.coach)
    response = web.post(
        f"/booking/credits/?client={client.pk}", {"client": client.pk, "quantity": 3, "expires_on": "2026-05-31"}
    )
    assert response.status_code == 400 and "expires_on" in response.context["form"].errors
    assert not CreditGrant.objects.exists()
    later = web.post(
        f"/booking/credits/?client={client.pk}", {"client": client.pk, "quantity": 3, "expires_on": "2026-06-01"}
    )
    assert later.status_code == 302 and CreditGrant.objects.get().expires_at > datetime(2026, 6, 1, 12, tzinfo=LONDON)


@freeze_time(NOW)
def test_exception_form_refuses_a_date_that_has_passed(studio):
    response = _web(studio.coach).post(
        "/booking/availability/", {"action": "exception", "date": "2026-05-31", "kind": "off"}
    )
    assert response.status_code == 400 and "date" in response.context["exception_form"].errors
    assert not AvailabilityException.objects.exists()


@freeze_time(NOW)
@pytest.mark.parametrize(
    "start",
    [
        "9999-12-31T23:59:00+00:00",
        "2000-01-01T10:00:00+00:00",
        "2026-06-02T10:07:00+01:00",
        "2026-06-06T10:00:00+01:00",
    ],
)
def test_details_page_for_a_time_nobody_can_book_goes_back_to_the_days(studio, start):
    web = _web()
    url = f"/book/{studio.org.slug}/{studio.service.slug}/book/"
    response = web.get(url, {"start": start, "coach": studio.profile.slug, "tz": "Europe/London"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"/book/{studio.org.slug}/{studio.service.slug}/?")
    followed = web.get(response["Location"])
    assert "That time is no longer free. Please pick another." in followed.content.decode()
    body = {"start": start, "coach": studio.profile.slug, "first_name": "A", "email": "a@example.com"}
    posted = web.post(f"{url}?start={start.replace('+', '%2B')}&coach={studio.profile.slug}", body)
    assert posted.status_code in (302, 400) and not Booking.objects.exists()
    open_slot = web.get(url, {"start": "2026-06-02T10:00:00+01:00", "coach": studio.profile.slug})
    assert open_slot.status_code == 200


@freeze_time(NOW)
@pytest.mark.parametrize("rate", ["-1", "100.01", "12.345", "abc", ""])
def test_service_tax_rate_is_a_percentage_with_two_decimals(studio, rate):
    api = api_as(studio.coach)
    body = {"name": "Mobility", "location_type": "virtual", "coaches": [studio.coach.pk], "tax_rate": rate}
    response = api.post("/api/v1/booking/services/", body, format="json")
    assert response.status_code == 400 and "tax_rate" in response.data["errors"]
    page = _web(studio.coach).post(
        "/booking/services/new/",
        {
            "name": "Mobility",
            "duration_minutes": 30,
            "location_type": "virtual",
            "capacity": 1,
            "buffer_before_minutes": 0,
            "buffer_after_minutes": 0,
            "payment_requirement": "none",
            "currency": "GBP",
            "price": "0",
            "deposit": "0",
            "tax_rate": rate,
            "coaches": [studio.coach.pk],
        },
    )
    if rate:
        assert page.status_code == 400 and "tax_rate" in page.context["form"].errors
    else:  # left empty on the page: no tax
        assert page.status_code == 302 and ServiceType.objects.get(name="Mobility").tax_rate == 0
    assert ServiceType.objects.filter(name="Mobility").count() == (0 if rate else 1)


@freeze_time(NOW)
def test_service_tax_rate_is_saved_from_the_api_and_the_page(studio):
    api = api_as(studio.coach)
    body = {"name": "Mobility", "location_type": "virtual", "coaches": [studio.coach.pk], "tax_rate": "20.50"}
    created = api.post("/api/v1/booking/services/", body, format="json")
    assert created.status_code == 201, created.data
    assert created.data["tax_rate"] == "20.50"
    response = _web(studio.coach).post(
        f"/booking/services/{created.data['id']}/",
        {
            "name": "Mobility",
            "duration_minutes": 30,
            "location_type": "virtual",
            "capacity": 1,
            "buffer_before_minutes": 0,
            "buffer_after_minutes": 0,
            "payment_requirement": "none",
            "currency": "GBP",
            "price": "0",
            "deposit": "0",
            "tax_rate": "7.5",
            "coaches": [studio.coach.pk],
        },
    )
    assert response.status_code == 302
    assert str(ServiceType.objects.get(name="Mobility").tax_rate) == "7.50"
