"""Every list, on pages, in the API and in the admin, costs the same number of queries for
10 rows as for 100."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import User
from booking import services
from booking.models import BookingPayment
from integrations.models import CalendarEventLink, ExternalBusyTime
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, UserFactory
from tests.integrations.factories import ConnectedAccountFactory

from .factories import (
    AvailabilityExceptionFactory,
    AvailabilityRuleFactory,
    BookingFactory,
    BookingPolicyFactory,
    CoachProfileFactory,
    CreditEntryFactory,
    CreditGrantFactory,
    RecurringSeriesFactory,
    ServiceTypeFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = "2026-06-01 06:00"
FIRST = datetime(2026, 6, 2, 0, 0, tzinfo=LONDON)


def _queries(web, url) -> int:
    web.get(url)  # warm: the first request of a session loads what later ones reuse
    with CaptureQueriesContext(connection) as ctx:
        response = web.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grows(web, url, add) -> tuple[int, int]:
    add(10, 0)
    few = _queries(web, url)
    add(90, 10)
    return few, _queries(web, url)


# --- Pages -----------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_services_page(client, studio):
    client.force_login(studio.coach)

    def add(n, offset):
        for _ in range(n):
            ServiceTypeFactory(
                organization=studio.org, coaches=[studio.coach, MembershipFactory(organization=studio.org).user]
            )

    few, many = _grows(client, "/booking/services/", add)
    assert many == few


@freeze_time(NOW)
def test_credits_page(client, studio):
    client.force_login(studio.coach)
    chloe = ClientFactory(organization=studio.org)
    credit = ServiceTypeFactory(organization=studio.org, coaches=[studio.coach], payment_requirement="credit")

    def add(n, offset):
        for i in range(offset, offset + n):
            services.grant_credits(client=chloe, quantity=1, source_ref=f"g{i}", expires_at=FIRST + timedelta(days=90))
            services.book_session(
                service=credit, coach=studio.coach, client=chloe, start_at=FIRST + timedelta(hours=7 + i)
            )

    few, many = _grows(client, f"/booking/credits/?client={chloe.pk}", add)
    assert many == few


@freeze_time(NOW)
def test_portal_bookings_page(client, studio):
    user = UserFactory()
    me = ClientFactory(organization=studio.org, user=user, email=user.email)
    client.force_login(user)

    def add(n, offset):
        for i in range(offset, offset + n):
            services.book_session(
                service=studio.service, coach=studio.coach, client=me, start_at=FIRST + timedelta(hours=i)
            )

    few, many = _grows(client, "/portal/bookings/", add)
    assert many == few


@freeze_time(NOW)
def test_public_booking_page_with_many_services_and_coaches(client, studio):
    def add(n, offset):
        for _ in range(n):
            coach = MembershipFactory(organization=studio.org).user
            services.ensure_coach_profile(organization=studio.org, user=coach)
            ServiceTypeFactory(organization=studio.org, coaches=[coach], price_minor=2500)

    few, many = _grows(client, f"/book/{studio.org.slug}/", add)
    assert many == few


@freeze_time(NOW)
def test_public_days_page_with_many_bookings(client, studio):
    def add(n, offset):
        for i in range(offset, offset + n):
            day = FIRST.date() + timedelta(days=i // 8)
            if day.weekday() > 4:
                continue
            services.book_session(
                service=studio.service,
                coach=studio.coach,
                client=ClientFactory(organization=studio.org),
                start_at=datetime.combine(day, time(9 + i % 8), tzinfo=LONDON),
            )

    few, many = _grows(client, f"/book/{studio.org.slug}/{studio.service.slug}/", add)
    assert many == few


@freeze_time(NOW)
def test_group_session_page_with_many_clients(client, studio):
    client.force_login(studio.coach)
    group = ServiceTypeFactory(organization=studio.org, coaches=[studio.coach], capacity=500)

    def add(n, offset):
        for _ in range(n):
            booking = services.book_session(
                service=group, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=FIRST
            )
        add.session_id = booking.session_id

    add(10, 0)
    url = f"/booking/sessions/{add.session_id}/"
    few = _queries(client, url)
    add(90, 10)
    assert _queries(client, url) == few


@freeze_time(NOW)
def test_hours_page_with_many_date_exceptions(client, studio):
    client.force_login(studio.coach)

    def add(n, offset):
        for i in range(offset, offset + n):
            services.add_exception(organization=studio.org, coach=studio.coach, date=FIRST.date() + timedelta(days=i))

    few, many = _grows(client, "/booking/availability/", add)
    assert many == few


# --- API -------------------------------------------------------------------------------------------
@freeze_time(NOW)
@pytest.mark.parametrize(
    "url, add",
    [
        (
            "/api/v1/booking/coaches/",
            lambda studio, n: [
                services.ensure_coach_profile(
                    organization=studio.org, user=MembershipFactory(organization=studio.org).user
                )
                for _ in range(n)
            ],
        ),
        (
            "/api/v1/booking/availability-rules/",
            lambda studio, n: AvailabilityRuleFactory.create_batch(n, organization=studio.org),
        ),
        (
            "/api/v1/booking/exceptions/",
            lambda studio, n: AvailabilityExceptionFactory.create_batch(n, organization=studio.org),
        ),
        (
            "/api/v1/booking/recurring/",
            lambda studio, n: RecurringSeriesFactory.create_batch(n, organization=studio.org),
        ),
    ],
)
def test_coach_lists(studio, url, add):
    api = api_as(studio.coach)
    add(studio, 10)
    few = _queries(api, url + "?page_size=100")
    add(studio, 90)
    assert _queries(api, url + "?page_size=100") == few


@freeze_time(NOW)
def test_my_services_and_credits(studio):
    user = UserFactory()
    me = ClientFactory(organization=studio.org, user=user, email=user.email)
    api = api_as(user)

    def add(n, offset):
        for i in range(offset, offset + n):
            ServiceTypeFactory(
                organization=studio.org, coaches=[studio.coach, MembershipFactory(organization=studio.org).user]
            )
            services.grant_credits(client=me, quantity=1, source_ref=f"g{i}")
            services.consume_credit(client=me, reference=f"r{i}")

    add(10, 0)
    few = [_queries(api, url) for url in ("/api/v1/me/booking/services/", "/api/v1/me/credits/?page_size=100")]
    add(90, 10)
    assert [_queries(api, url) for url in ("/api/v1/me/booking/services/", "/api/v1/me/credits/?page_size=100")] == few


# --- Admin -----------------------------------------------------------------------------------------
def _booking_in_new_org():
    return BookingFactory()


def _payment(n):
    for i in range(n):
        booking = _booking_in_new_org()
        BookingPayment.objects.create(
            organization=booking.organization, booking=booking, amount_minor=100, reference=f"p{i}-{booking.pk}"
        )


def _reminder(n):
    """Reminders are rows of the message log."""
    from booking.notifications import queue_reminder

    for _ in range(n):
        queue_reminder(booking=_booking_in_new_org(), channel="email", offset_minutes=120)


def _opt_out(n):
    """Reminder opt-outs are topic suppressions of the sending mechanism."""
    for client in ClientFactory.create_batch(n):
        services.opt_out_of_reminders(client=client, channel="email")


def _credit_entry(n):
    for _ in range(n):
        booking = _booking_in_new_org()
        CreditEntryFactory(organization=booking.organization, client=booking.client, booking=booking)


def _event_link(n):
    for session in SessionFactory.create_batch(n):
        account = ConnectedAccountFactory(organization=session.organization)
        CalendarEventLink.objects.create(
            organization=session.organization, connection=account, session=session, external_id=f"ev{session.pk}"
        )


def _busy_time(n):
    for account in ConnectedAccountFactory.create_batch(n, account_email=""):
        ExternalBusyTime.objects.create(
            organization=account.organization,
            connection=account,
            coach=account.user,
            external_id=f"b{account.pk}",
            start_at=timezone.now(),
            end_at=timezone.now() + timedelta(hours=1),
        )


ADMIN_LISTS = {
    "booking/creditgrant": CreditGrantFactory.create_batch,
    "booking/creditentry": _credit_entry,
    "booking/coachprofile": CoachProfileFactory.create_batch,
    "booking/bookingpolicy": BookingPolicyFactory.create_batch,
    "booking/servicetype": ServiceTypeFactory.create_batch,
    "booking/availabilityrule": AvailabilityRuleFactory.create_batch,
    "booking/availabilityexception": AvailabilityExceptionFactory.create_batch,
    "booking/recurringseries": RecurringSeriesFactory.create_batch,
    "booking/session": SessionFactory.create_batch,
    "booking/booking": BookingFactory.create_batch,
    "booking/bookingpayment": _payment,
    "mecto/outboundmessage": _reminder,
    "mecto/suppression": _opt_out,
    "integrations/connectedaccount": ConnectedAccountFactory.create_batch,
    "integrations/calendareventlink": _event_link,
    "integrations/externalbusytime": _busy_time,
}


@pytest.mark.slow
@pytest.mark.parametrize("path", ADMIN_LISTS)
def test_admin_lists(client, path):
    admin = User.objects.create_superuser(email="ops@example.com", password="x")
    client.force_login(admin)
    ADMIN_LISTS[path](10)
    few = _queries(client, f"/admin/{path}/")
    ADMIN_LISTS[path](90)
    assert _queries(client, f"/admin/{path}/") == few
