"""Booking benchmark: 60 days of open slots for a coach with 1,000 existing bookings, and
the p50/p95 of the booking API (open slots and book).

    python bench/booking.py            # SQLite (a throw-away test database)
    DATABASE_URL=postgres://... python bench/booking.py

It builds its own test database and drops it afterwards; nothing else is touched.
"""

import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mecto.settings.test")

import warnings

import django

warnings.filterwarnings("ignore", message="No directory at")

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

EXISTING = 1000
DAYS = 60
API_CALLS = 100


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run():
    from datetime import time as clock
    from zoneinfo import ZoneInfo

    from django.utils import timezone
    from rest_framework.test import APIClient

    from booking import selectors, services
    from booking.models import Booking, CoachProfile, Session
    from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory, UserFactory

    org = OrganizationFactory(time_zone="Europe/London")
    coach = MembershipFactory(organization=org, role="owner").user
    profile = services.ensure_coach_profile(organization=org, user=coach)
    CoachProfile.objects.filter(pk=profile.pk).update(
        min_notice_minutes=0, max_days_ahead=DAYS + 1, slot_step_minutes=15
    )
    services.set_weekly_hours(organization=org, coach=coach, intervals=[(d, clock(6), clock(22)) for d in range(7)])
    service = services.save_service_type(
        organization=org, name="PT", duration_minutes=30, address="Gym", coaches=[coach], buffer_after_minutes=10
    )
    clients = [ClientFactory(organization=org) for _ in range(50)]
    tz = ZoneInfo("Europe/London")
    today = timezone.now().astimezone(tz).date() + timedelta(days=1)
    sessions, per_day = [], -(-EXISTING // DAYS)
    for n in range(EXISTING):
        day = today + timedelta(days=n // per_day)
        start = datetime.combine(day, clock(6), tzinfo=tz) + timedelta(minutes=50 * (n % per_day))
        sessions.append(
            Session(
                organization=org,
                coach=coach,
                service=service,
                start_at=start,
                end_at=start + timedelta(minutes=30),
                capacity=1,
                location_type="in_person",
                address="Gym",
            )
        )
    Session.objects.bulk_create(sessions)
    Booking.objects.bulk_create(
        [Booking(organization=org, session=s, client=clients[i % 50], seat=1) for i, s in enumerate(sessions)]
    )

    start = selectors.local_day_bounds(today, "Europe/London")[0]
    end = start + timedelta(days=DAYS)
    timings = []
    for _ in range(5):
        t0 = time.perf_counter()
        slots = selectors.open_slots(service=service, coach_id=coach.pk, start=start, end=end)
        timings.append(time.perf_counter() - t0)
    print(f"database: {connection.vendor}")
    print(
        f"open slots for {DAYS} days with {EXISTING} bookings: {len(slots)} slots, "
        f"best {min(timings) * 1000:.1f} ms, median {statistics.median(timings) * 1000:.1f} ms"
    )

    user = UserFactory()
    me = ClientFactory(organization=org, user=user, email=user.email)
    api = APIClient()
    api.force_authenticate(user)
    slot_times, book_times = [], []
    for i in range(API_CALLS):
        day = (today + timedelta(days=i % DAYS)).isoformat()
        t0 = time.perf_counter()
        response = api.get(f"/api/v1/me/booking/services/{service.pk}/slots/?start={day}&days=1")
        slot_times.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.content
        free = response.data[len(response.data) // 2]["start"]
        t0 = time.perf_counter()
        response = api.post("/api/v1/me/bookings/", {"service": service.pk, "start_at": free}, format="json")
        book_times.append(time.perf_counter() - t0)
        assert response.status_code == 201, response.content
    assert Booking.objects.filter(client=me).count() == API_CALLS
    for name, values in (("GET open slots (1 day)", slot_times), ("POST book", book_times)):
        print(
            f"API {name}: p50 {pct(values, 50) * 1000:.1f} ms, p95 {pct(values, 95) * 1000:.1f} ms "
            f"over {len(values)} calls"
        )


if __name__ == "__main__":
    main()
