"""Coach pages, public booking pages, the manage links of emails, the feed and the portal."""

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time
from icalendar import Calendar

from booking import services, tokens
from booking.models import AvailabilityRule, Booking, CoachProfile, ServiceType
from clients.models import Client
from mecto import crypto
from mecto.crypto import hash_token
from tests.factories import ClientFactory, MembershipFactory, UserFactory

from .factories import BookingPolicyFactory, ServiceTypeFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = "2026-06-01 06:00"
TUE_10 = datetime(2026, 6, 2, 10, 0, tzinfo=LONDON)


@pytest.fixture
def coach_client(client, studio):
    client.force_login(studio.coach)
    return client


@freeze_time(NOW)
def test_coach_sets_weekly_hours_with_several_intervals(coach_client, studio):
    url = reverse("booking:availability")
    assert coach_client.get(url).status_code == 200
    data = {"action": "hours", **{f"day_{d}": "" for d in range(7)}}
    data["day_0"] = "07:00-12:00, 13:00-19:30"
    data["day_5"] = "9-11"
    response = coach_client.post(url, data)
    assert response.status_code == 302
    rules = AvailabilityRule.objects.filter(coach=studio.coach).order_by("weekday", "start_time")
    assert [(r.weekday, r.start_time, r.end_time) for r in rules] == [
        (0, time(7), time(12)),
        (0, time(13), time(19, 30)),
        (5, time(9), time(11)),
    ]
    bad = coach_client.post(url, {**data, "day_1": "17:00-09:00"})
    assert bad.status_code == 400 and "ends before it starts" in bad.content.decode()
    assert AvailabilityRule.objects.filter(coach=studio.coach).count() == 3


@freeze_time(NOW)
def test_coach_settings_exceptions_and_feed(coach_client, studio):
    url = reverse("booking:availability")
    response = coach_client.post(
        url,
        {
            "action": "profile",
            "time_zone": "America/New_York",
            "accepts_bookings": "on",
            "min_notice_minutes": 60,
            "max_days_ahead": 30,
            "slot_step_minutes": 15,
            "video_provider": "jitsi",
            "slug": "sam-strong",
            "bio": "",
        },
    )
    assert response.status_code == 302
    studio.profile.refresh_from_db()
    assert studio.profile.time_zone == "America/New_York" and studio.profile.slug == "sam-strong"
    assert coach_client.post(url, {"action": "exception", "date": "2026-06-05", "kind": "off"}).status_code == 302
    bad = coach_client.post(url, {"action": "exception", "date": "2026-06-06", "kind": "extra"})
    assert bad.status_code == 400
    coach_client.post(url, {"action": "rotate_feed"})
    studio.profile.refresh_from_db()
    assert len(studio.profile.feed_token) > 30
    assert studio.profile.feed_token in coach_client.get(url).content.decode()


@freeze_time(NOW)
def test_coach_adds_a_service_with_a_price_in_major_units(coach_client, studio):
    response = coach_client.post(
        reverse("booking:service_create"),
        {
            "name": "Small group HIIT",
            "duration_minutes": 45,
            "location_type": "in_person",
            "address": "Unit 4, Mill Lane",
            "capacity": 8,
            "buffer_before_minutes": 0,
            "buffer_after_minutes": 15,
            "price": "12.50",
            "currency": "GBP",
            "payment_requirement": "none",
            "deposit": "0",
            "coaches": [studio.coach.pk],
            "is_public": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    service = ServiceType.objects.get(name="Small group HIIT")
    assert service.price_minor == 1250 and service.capacity == 8 and list(service.coaches.all()) == [studio.coach]
    listing = coach_client.get(reverse("booking:services"))
    assert "Small group HIIT" in listing.content.decode()
    missing = coach_client.post(
        reverse("booking:service_create"),
        {
            "name": "Online",
            "duration_minutes": 30,
            "location_type": "in_person",
            "capacity": 1,
            "buffer_before_minutes": 0,
            "buffer_after_minutes": 0,
            "price": "0",
            "currency": "GBP",
            "payment_requirement": "full",
            "coaches": [studio.coach.pk],
        },
    )
    assert missing.status_code == 400 and "Set a price" in missing.content.decode()


@freeze_time(NOW)
def test_week_and_day_views_show_sessions_and_mark_attendance(coach_client, studio):
    booking = services.book_session(
        service=studio.service,
        coach=studio.coach,
        client=ClientFactory(organization=studio.org, first_name="Wendy", last_name="Week"),
        start_at=datetime(2026, 6, 1, 6, 30, tzinfo=LONDON),
    )
    week = coach_client.get(reverse("booking:calendar"))
    assert week.status_code == 200 and "Wendy Week" in week.content.decode()
    with freeze_time("2026-06-01 06:00"):
        day = coach_client.get(reverse("booking:calendar") + "?view=day&date=2026-06-01")
    assert "Attended" in day.content.decode()
    response = coach_client.post(
        reverse("booking:attendance", args=[booking.public_id]), {"attendance": "no_show", "next": "/booking/"}
    )
    assert response.status_code == 302 and response["Location"] == "/booking/"
    booking.refresh_from_db()
    assert booking.attendance == Booking.Attendance.NO_SHOW
    detail = coach_client.get(reverse("booking:session", args=[booking.session_id]))
    assert detail.status_code == 200 and "No-show" in detail.content.decode()
    coach_client.post(reverse("booking:session", args=[booking.session_id]), {"action": "notes", "notes": "Knee ok"})
    booking.session.refresh_from_db()
    assert booking.session.notes == "Knee ok"


@freeze_time(NOW)
def test_week_view_queries_do_not_grow_with_sessions(coach_client, studio):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert coach_client.get(reverse("booking:calendar") + "?date=2026-06-08").status_code == 200
        return len(ctx.captured_queries)

    def book(n, hour0):
        for i in range(n):
            services.book_session(
                service=studio.service,
                coach=studio.coach,
                client=ClientFactory(organization=studio.org),
                start_at=datetime(2026, 6, 8 + i % 7, 0, 0, tzinfo=LONDON).replace(hour=hour0 + i // 7),
            )

    book(10, 0)
    count()  # the first request of a session writes its session row
    few = count()
    book(90, 2)
    assert count() == few


@freeze_time(NOW)
def test_manual_recurring_booking_from_the_page(coach_client, studio):
    client = ClientFactory(organization=studio.org)
    response = coach_client.post(
        reverse("booking:new"),
        {
            "client": client.pk,
            "service": studio.service.pk,
            "coach": studio.coach.pk,
            "date": "2026-06-02",
            "time": "18:00",
            "repeat_weeks": 4,
        },
    )
    assert response.status_code == 302
    assert Booking.objects.filter(client=client, source="recurring").count() == 4
    clash = coach_client.post(
        reverse("booking:new"),
        {
            "client": ClientFactory(organization=studio.org).pk,
            "service": studio.service.pk,
            "coach": studio.coach.pk,
            "date": "2026-06-09",
            "time": "18:30",
            "repeat_weeks": 1,
        },
    )
    assert clash.status_code == 400 and "clashes" in clash.content.decode()


@freeze_time(NOW)
def test_policy_page_is_for_owners(client, studio):
    coach = MembershipFactory(organization=studio.org, role="coach").user
    client.force_login(coach)
    assert client.get(reverse("booking:policy")).status_code == 403
    client.force_login(studio.coach)
    response = client.post(
        reverse("booking:policy"),
        {
            "public_booking_enabled": "on",
            "cancellation_deadline_hours": 12,
            "late_cancel_forfeits_credit": "on",
            "no_show_forfeits_credit": "on",
            "remind_by_email": "on",
            "payment_hold_minutes": 20,
            "reminders": "24, 1.5",
            "late_cancel_fee": "10",
        },
    )
    assert response.status_code == 302
    from booking.selectors import policy_for

    policy = policy_for(studio.org)
    assert policy.reminder_offsets_minutes == [1440, 90] and policy.late_cancel_fee_minor == 1000


def _public_days(client, studio, tz="Europe/London"):
    return client.get(reverse("booking:public_days", args=[studio.org.slug, studio.service.slug]) + f"?tz={tz}")


@freeze_time(NOW)
def test_public_flow_service_day_slot_details_confirm(client, studio, django_capture_on_commit_callbacks):
    org_page = client.get(reverse("booking:public_org", args=[studio.org.slug]))
    assert org_page.status_code == 200 and studio.service.name in org_page.content.decode()
    days = _public_days(client, studio, tz="America/New_York")
    assert days.status_code == 200
    slots_url = reverse("booking:public_slots", args=[studio.org.slug, studio.service.slug, "2026-06-02"])
    slots = client.get(slots_url + "?tz=America/New_York")
    body = slots.content.decode()
    assert ">04:00" in body  # 09:00 London is 04:00 in New York
    book_url = re.search(r'href="(/book/[^"]+/book/\?start=[^"]+)"', body).group(1).replace("&amp;", "&")
    details = client.get(book_url)
    assert details.status_code == 200 and "04:00" in details.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            book_url,
            {
                "first_name": "Sal",
                "last_name": "Stranger",
                "email": "sal@example.com",
                "phone": "",
                "note": "First time",
            },
        )
    assert done.status_code == 302 and "/book/manage/" in done["Location"]
    booking = Booking.objects.get(client__email="sal@example.com")
    assert booking.client.status == Client.Status.LEAD and booking.client.time_zone == "America/New_York"
    assert booking.client.coach == studio.coach and booking.client.source == Client.Source.BOOKING
    [confirmation] = [m for m in mail.outbox if m.to == ["sal@example.com"]]
    assert confirmation.attachments[0][0] == "invite.ics"
    assert [m.to for m in mail.outbox if m is not confirmation] == [[studio.coach.email]]  # the coach's alert
    manage = client.get(done["Location"])
    assert "You're booked" in manage.content.decode()
    again = client.post(book_url, {"first_name": "Tom", "email": "tom@example.com"})
    assert again.status_code == 400 and "just taken" in again.content.decode()


@freeze_time(NOW)
def test_a_portal_client_books_inside_the_portal_without_typing_their_details(client, studio):
    user = UserFactory()
    me = ClientFactory(organization=studio.org, user=user, email=user.email, time_zone="Europe/Paris")
    client.force_login(user)
    days = client.get(reverse("booking:public_days", args=[studio.org.slug, studio.service.slug]))
    assert 'id="site-nav"' in days.content.decode()  # the portal's layout and navigation
    assert '<option value="Europe/Paris" selected>' in days.content.decode()  # times on the client's clock
    start = TUE_10.isoformat()
    book_url = reverse("booking:public_book", args=[studio.org.slug, studio.service.slug])
    query = {"start": start, "coach": studio.profile.slug, "tz": "Europe/Paris"}
    details = client.get(book_url, query)
    page = details.content.decode()
    assert details.status_code == 200 and 'id="site-nav"' in page and me.email in page
    assert 'name="first_name"' not in page and 'name="email"' not in page
    done = client.post(book_url, {**query, "note": "Knee is better"})
    assert done.status_code == 302 and "/book/manage/" in done["Location"]
    booking = Booking.objects.get()
    assert booking.client == me and booking.note == "Knee is better" and booking.source == Booking.Source.APP
    assert Client.objects.count() == 1
    assert 'id="site-nav"' in client.get(done["Location"]).content.decode()
    taken = client.post(book_url, {**query, "note": ""})
    assert taken.status_code == 400 and Booking.objects.count() == 1


@freeze_time(NOW)
def test_public_pages_hide_a_business_that_turned_them_off(client, studio):
    BookingPolicyFactory(organization=studio.org, public_booking_enabled=False)
    assert client.get(reverse("booking:public_org", args=[studio.org.slug])).status_code == 404
    assert _public_days(client, studio).status_code == 404


@freeze_time(NOW)
def test_public_pages_refuse_bad_input_without_errors(client, studio):
    base = reverse("booking:public_book", args=[studio.org.slug, studio.service.slug])
    assert client.get(base + "?start=nonsense&coach=" + studio.profile.slug).status_code == 404
    assert client.get(base + "?start=2026-06-02T09:00:00%2B01:00&coach=nobody").status_code == 404
    assert (
        client.get(
            reverse("booking:public_slots", args=[studio.org.slug, studio.service.slug, "2026-13-40"])
        ).status_code
        == 404
    )
    assert _public_days(client, studio, tz="Not/AZone").status_code == 200  # falls back to the business's zone


@freeze_time(NOW)
def test_manage_link_reschedules_and_cancels_with_the_policy(client, studio):
    booking = services.book_from_public_page(
        service=studio.service,
        coach=studio.coach,
        start_at=TUE_10 + (datetime(2026, 6, 3) - datetime(2026, 6, 2)),
        first_name="M",
        email="m@example.com",
    )
    url = reverse("booking:manage", args=[booking.public_id, tokens.manage_token(booking)])
    page = client.get(url)
    assert page.status_code == 200 and "Reschedule" in page.content.decode()
    reschedule = client.get(url + "reschedule/?date=2026-06-04")
    assert reschedule.status_code == 200 and "11:00" in reschedule.content.decode()
    moved = client.post(url + "reschedule/", {"start": "2026-06-04T10:00:00+00:00"})
    assert moved.status_code == 302
    booking.refresh_from_db()
    assert booking.session.start_at == datetime(2026, 6, 4, 11, 0, tzinfo=LONDON)
    cancelled = client.post(url + "cancel/", {"reason": "Travel"})
    assert cancelled.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.attendance == Booking.Attendance.UNMARKED
    tampered = reverse("booking:manage", args=[booking.public_id, tokens.manage_token(booking)[:-4] + "abcd"])
    assert client.get(tampered).status_code == 404


@freeze_time(NOW)
def test_calendar_feed_is_valid_ics_and_revocable(client, studio):
    services.book_session(
        service=studio.service, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=TUE_10
    )
    profile = services.rotate_feed_token(profile=studio.profile)
    # Kept encrypted (the coach copies the address again) and found by its hash.
    with connection.cursor() as cursor:
        cursor.execute("SELECT feed_token, feed_token_hash FROM booking_coachprofile WHERE id = %s", [profile.pk])
        stored, stored_hash = cursor.fetchone()
    assert profile.feed_token not in stored and crypto.decrypt(stored) == profile.feed_token
    assert stored_hash == hash_token(profile.feed_token)
    response = client.get(reverse("booking:feed", args=[profile.feed_token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == TUE_10
    old = profile.feed_token
    services.revoke_feed_token(profile=profile)
    assert client.get(reverse("booking:feed", args=[old])).status_code == 404
    assert not CoachProfile.objects.filter(feed_token_hash=hash_token(old)).exists()


@freeze_time(NOW)
def test_portal_lists_the_clients_own_bookings(client, studio):
    user = UserFactory()
    me = ClientFactory(organization=studio.org, user=user, email=user.email)
    other = ClientFactory(organization=studio.org, first_name="Other")
    services.book_session(service=studio.service, coach=studio.coach, client=me, start_at=TUE_10)
    services.book_session(service=studio.service, coach=studio.coach, client=other, start_at=TUE_10.replace(hour=12))
    client.force_login(user)
    page = client.get(reverse("booking:portal_bookings"))
    assert page.status_code == 200
    assert page.content.decode().count("Reschedule or cancel") == 1


@freeze_time(NOW)
def test_coach_grants_credits_on_the_credits_page(coach_client, studio):
    target = ClientFactory(organization=studio.org)
    response = coach_client.post(
        reverse("booking:credits"), {"client": target.pk, "quantity": 5, "expires_on": "2026-12-31", "reason": "Gift"}
    )
    assert response.status_code == 302
    page = coach_client.get(reverse("booking:credits") + f"?client={target.pk}")
    assert ">5<" in page.content.decode()
    other_org_client = ClientFactory()
    assert coach_client.get(reverse("booking:credits") + f"?client={other_org_client.pk}").status_code == 404


def test_group_service_page_shows_places_left(client, studio):
    with freeze_time(NOW):
        group = ServiceTypeFactory(organization=studio.org, coaches=[studio.coach], capacity=4, name="Bootcamp")
        services.book_session(
            service=group, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=TUE_10
        )
        url = reverse("booking:public_slots", args=[studio.org.slug, group.slug, "2026-06-02"])
        assert "3 places left" in client.get(url + "?tz=Europe/London").content.decode()


ADMIN_MODELS = [
    "booking/coachprofile",
    "booking/bookingpolicy",
    "booking/servicetype",
    "booking/availabilityrule",
    "booking/availabilityexception",
    "booking/recurringseries",
    "booking/session",
    "booking/booking",
    "booking/bookingpayment",
    "mecto/outboundmessage",
    "mecto/suppression",
    "booking/creditgrant",
    "booking/creditentry",
    "integrations/connectedaccount",
    "integrations/calendareventlink",
    "integrations/externalbusytime",
]


@freeze_time(NOW)
@pytest.mark.parametrize("path", ADMIN_MODELS)
def test_every_model_has_a_working_admin(client, studio, path):
    from accounts.models import User

    admin = User.objects.create_superuser(email=f"admin-{path.replace('/', '-')}@example.com", password="x")
    services.book_session(
        service=studio.service, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=TUE_10
    )
    client.force_login(admin)
    assert client.get(f"/admin/{path}/").status_code == 200
    assert client.get(f"/admin/{path}/add/").status_code in (200, 403)


@freeze_time(NOW)
def test_dashboard_shows_the_coming_week(coach_client, studio):
    services.book_session(
        service=studio.service,
        coach=studio.coach,
        client=ClientFactory(organization=studio.org, first_name="Dana", last_name="Dash"),
        start_at=TUE_10,
    )
    body = coach_client.get(reverse("dashboard")).content.decode()
    assert "Next 7 days" in body and "Dana Dash" in body


@freeze_time(NOW)
def test_coach_ends_a_weekly_series_from_one_of_its_sessions(coach_client, studio):
    client = ClientFactory(organization=studio.org)
    series = services.create_recurring_series(
        service=studio.service,
        coach=studio.coach,
        client=client,
        first_date=datetime(2026, 6, 2).date(),
        local_time=time(18, 0),
        weeks=4,
    )
    third = series.sessions.order_by("start_at")[2]
    response = coach_client.post(reverse("booking:session", args=[third.pk]), {"action": "cancel_series"})
    assert response.status_code == 302
    statuses = list(series.sessions.order_by("start_at").values_list("status", flat=True))
    assert statuses == ["scheduled", "scheduled", "cancelled", "cancelled"]


@freeze_time(NOW)
def test_dashboard_shows_times_on_the_coachs_own_clock(coach_client, studio):
    studio.profile_update(time_zone="America/New_York")
    services.book_session(
        service=studio.service, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=TUE_10
    )
    body = coach_client.get(reverse("dashboard")).content.decode()
    assert "Tue 2 Jun 05:00" in body  # 10:00 in London
