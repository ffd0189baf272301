"""`manage.py seed_demo` gives the demo business a living calendar, however often it runs.

The `demo` fixture is the first run (shared by the tests that look at the demo business);
the test runs the command once more and proves it adds nothing."""

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from accounts.models import User
from booking import selectors
from booking.models import AvailabilityRule, Booking, GroupClass, ServiceType, Session
from clients.models import Client
from tests.shared_data import DEMO_NOW

pytestmark = pytest.mark.django_db


@freeze_time(DEMO_NOW)  # Wednesday 25 November 2026
def test_seed_demo_sets_hours_services_and_bookings_this_week_and_next_once(client, demo):
    call_command("seed_demo", force=True)
    org = demo
    coach = User.objects.get(email="coach@demo.mecto.test")
    assert ServiceType.objects.for_org(org).count() == 3
    assert AvailabilityRule.objects.for_org(org).filter(coach=coach).count() == 11
    assert Session.objects.for_org(org).filter(coach=coach).count() == 9
    assert Booking.objects.for_org(org).count() == 13  # 11 sessions' bookings, 2 in the demo class
    # Monday's and Tuesday's sessions have happened and are marked; later ones wait.
    assert Booking.objects.for_org(org).filter(attendance=Booking.Attendance.ATTENDED).count() == 2
    chloe = Client.objects.for_org(org).get(email="client@demo.mecto.test")
    # 10 granted, two group sessions and the demo class booked, and 4 from her membership (billing's demo)
    assert selectors.credit_balance(client=chloe) == 11
    # The timetable's class: its next occurrence is full, with one on the waitlist.
    group_class = GroupClass.objects.for_org(org).get(title="Early circuit")
    upcoming = Session.objects.filter(group_class=group_class, status="scheduled").order_by("start_at").first()
    assert upcoming.bookings.active().count() == 2 and upcoming.capacity == 2
    assert list(upcoming.waitlist_entries.values_list("client__email", "status")) == [
        ("sam.lead@demo.mecto.test", "waiting")
    ]

    client.force_login(coach)
    week = client.get("/booking/")
    assert week.status_code == 200
    assert week.content.decode().count('<article class="calendar-session') == 5
    assert client.get("/booking/?date=2026-12-01").content.decode().count('<article class="calendar-session') == 4
    public = client.get("/book/northside-strength/strength-11/")
    assert public.status_code == 200 and "day-choice" in public.content.decode()
