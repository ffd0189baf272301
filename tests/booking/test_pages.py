"""What coaches, visitors and clients read on the booking pages: labels, empty states
that say what to do, and links that explain themselves."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from freezegun import freeze_time

from booking import services, tokens
from booking.models import Booking, ServiceType
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = "2026-06-01 06:00"  # Monday
TUE_10 = datetime(2026, 6, 2, 10, 0, tzinfo=LONDON)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def coach_web(client, studio):
    client.force_login(studio.coach)
    return client


def _attended_session(studio, **client_fields):
    chloe = ClientFactory(organization=studio.org, first_name="Chloe", last_name="Client", **client_fields)
    with freeze_time(NOW):
        booking = services.book_session(service=studio.service, coach=studio.coach, client=chloe, start_at=TUE_10)
    return booking


def test_day_view_draws_one_box_for_the_day_and_names_the_client_on_each_attendance_button(coach_web, studio):
    booking = _attended_session(studio)
    with freeze_time("2026-06-02 12:00"):
        page = _text(coach_web.get(reverse("booking:calendar") + "?view=day&date=2026-06-02"))
        detail = _text(coach_web.get(reverse("booking:session", args=[booking.session_id])))
    # The grid's own class no longer doubles as a day box (two nested borders).
    assert 'class="calendar calendar-view-day"' in page and 'class="calendar calendar-day"' not in page
    for html in (page, detail):
        for label in ("Attended", "No-show", "Late cancel"):
            assert f'{label}<span class="visually-hidden"> · Chloe Client</span></button>' in html


@freeze_time(NOW)
def test_public_days_without_times_say_so_and_what_to_do(client, studio):
    services.set_weekly_hours(organization=studio.org, coach=studio.coach, intervals=[])
    page = _text(client.get(reverse("booking:public_days", args=[studio.org.slug, studio.service.slug])))
    assert "no times" in page and ">full<" not in page
    assert f"Try later weeks, or contact {studio.org.name} to find a time." in page


@freeze_time(NOW)
def test_new_booking_page_guides_to_a_service_then_a_client(coach_web, studio):
    ServiceType.objects.all().update(is_active=False)
    page = _text(coach_web.get(reverse("booking:new")))
    assert "Add a service first" in page and reverse("booking:service_create") in page
    assert 'name="client"' not in page
    ServiceType.objects.all().update(is_active=True)
    page = _text(coach_web.get(reverse("booking:new")))
    assert "Add a client first" in page and reverse("clients:create") in page
    ClientFactory(organization=studio.org)
    page = _text(coach_web.get(reverse("booking:new")))
    assert 'name="client"' in page and "first" not in page


def test_portal_names_each_booking_link_and_keeps_coach_words_out(client, studio):
    user = UserFactory()
    me = ClientFactory(organization=studio.org, user=user, email=user.email, time_zone="Europe/London")
    with freeze_time(NOW):
        services.book_session(service=studio.service, coach=studio.coach, client=me, start_at=TUE_10)
        services.book_session(
            service=studio.service, coach=studio.coach, client=me, start_at=TUE_10 + timedelta(days=1)
        )
    client.force_login(user)
    with freeze_time("2026-06-02 20:00"):
        page = _text(client.get(reverse("booking:portal_bookings")))
    name = studio.service.name
    assert f'Reschedule or cancel<span class="visually-hidden"> · {name}, Wed 3 Jun 10:00</span>' in page
    assert "Not marked" not in page  # yesterday's session, not yet marked by the coach


def test_reschedule_page_opens_on_the_first_free_day_and_says_when_it_is_too_late(client, studio):
    with freeze_time(NOW):
        booking = services.book_session(
            service=studio.service, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=TUE_10
        )
    url = reverse("booking:manage_reschedule", args=[booking.public_id, tokens.manage_token(booking)])
    with freeze_time("2026-05-30 20:00"):  # Saturday evening: no hours until Monday
        page = _text(client.get(url))
    assert "<h2>Monday 1 June 2026</h2>" in page and "slot-choice" in page
    with freeze_time("2026-06-01 12:00"):  # inside the 24 hours before
        page = _text(client.get(url))
    assert "Sessions can be moved online until 24 hours before they start" in page
    assert "slot-choice" not in page


@freeze_time(NOW)
def test_policy_form_groups_the_rules_and_names_the_fee_currency(coach_web, studio):
    page = _text(coach_web.get(reverse("booking:policy")))
    assert "Late cancel fee (GBP)" in page
    order = [page.index(f'name="{name}"') for name in ("late_cancel_forfeits_credit", "late_cancel_fee", "reminders")]
    assert order == sorted(order)
    assert page.index('name="reminders"') < page.index('name="remind_by_email"')


@freeze_time(NOW)
def test_an_archived_service_can_be_made_bookable_again(coach_web, studio):
    url = reverse("booking:service_edit", args=[studio.service.pk])
    coach_web.post(url, {"action": "archive"})
    page = _text(coach_web.get(url))
    assert "This service is archived" in page and "Make bookable again" in page
    assert coach_web.post(url, {"action": "restore"}).status_code == 302
    studio.service.refresh_from_db()
    assert studio.service.is_active


@freeze_time(NOW)
def test_credits_page_lists_each_grant_with_what_is_left_and_its_expiry(coach_web, studio):
    chloe = ClientFactory(organization=studio.org)
    services.grant_credits(
        client=chloe, quantity=10, source_ref="pack", reason="10-pack", expires_at=TUE_10 + timedelta(days=90)
    )
    with freeze_time("2026-05-01"):
        services.grant_credits(client=chloe, quantity=2, source_ref="old", reason="Trial", expires_at=TUE_10)
    services.consume_credit(client=chloe, reference="booking:x")
    page = _text(coach_web.get(reverse("booking:credits") + f"?client={chloe.pk}"))
    assert "Credits granted" in page
    assert "<td>10</td><td>10</td><td>31 Aug 2026</td><td>10-pack</td>" in page
    assert "<td>2</td><td>1</td><td>2 Jun 2026</td><td>Trial</td>" in page  # the soonest expiry is used first
    with freeze_time("2026-06-03"):
        page = _text(coach_web.get(reverse("booking:credits") + f"?client={chloe.pk}"))
    assert 'badge-bad">expired</span>' in page


def test_an_expired_manage_link_says_so_a_forged_one_is_not_found(client, studio):
    with freeze_time(NOW):
        booking = services.book_session(
            service=studio.service, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=TUE_10
        )
        token = tokens.manage_token(booking)
    url = reverse("booking:manage", args=[booking.public_id, token])
    with freeze_time("2026-08-15"):  # 75 days on, long after the session
        expired = client.get(url)
        assert expired.status_code == 410
        assert "This link has expired" in _text(expired) and "60 days" in _text(expired)
        assert client.post(url + "cancel/").status_code == 410
        forged = reverse("booking:manage", args=[booking.public_id, token[:-3] + "xyz"])
        assert client.get(forged).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_a_link_for_a_session_booked_months_ahead_works_until_the_session(client, studio):
    studio.profile_update(max_days_ahead=200)
    far = datetime(2026, 10, 6, 10, 0, tzinfo=LONDON)
    with freeze_time(NOW):
        booking = services.book_session(
            service=studio.service, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=far
        )
        token = tokens.manage_token(booking)
    url = reverse("booking:manage", args=[booking.public_id, token])
    with freeze_time("2026-09-01"):  # 92 days after the email, a month before the session
        assert client.get(url).status_code == 200
    with freeze_time("2026-10-06 12:00"):  # after the session
        assert client.get(url).status_code == 410


@freeze_time(NOW)
def test_service_form_offers_the_coaches_as_one_labelled_group(coach_web, studio):
    page = _text(coach_web.get(reverse("booking:service_create")))
    assert re.search(r'<fieldset class="choice-group"> <legend>Coaches <span class="req"', page)
    assert (
        f'<label class="choice" for="id_coaches_0"><input type="checkbox" name="coaches" value="{studio.coach.pk}"'
        in page
    )
