"""A living calendar for the demo business (`manage.py seed_demo`): a coach's weekly hours,
three services and a few bookings this week and next. Safe to run again."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from mecto.demo import demo_seeder

from . import services
from .models import Booking, ServiceType, Session

HOURS = [(day, time(7), time(12)) for day in range(5)] + [(day, time(16), time(20)) for day in range(5)]
HOURS += [(5, time(8), time(12))]
SERVICES = [
    {
        "name": "Strength 1:1",
        "description": "A one-to-one strength session: technique, a plan for the weeks ahead and a workout.",
        "duration_minutes": 60,
        "price_minor": 4500,
        "location_type": ServiceType.Location.IN_PERSON,
        "address": "Northside Strength, 12 Mill Lane",
        "buffer_after_minutes": 15,
    },
    {
        "name": "Online check-in",
        "description": "Thirty minutes on video to review your week and adjust the plan.",
        "duration_minutes": 30,
        "location_type": ServiceType.Location.VIRTUAL,
    },
    {
        "name": "Small-group strength",
        "description": "Up to six people, one coach; uses one package credit.",
        "duration_minutes": 60,
        "location_type": ServiceType.Location.IN_PERSON,
        "address": "Northside Strength, 12 Mill Lane",
        "capacity": 6,
        "payment_requirement": ServiceType.Payment.CREDIT,
    },
]
# (week 0 = this week, weekday, local time, service index, client emails)
BOOKINGS = [
    (0, 0, time(7), 0, ["client@demo.mecto.test"]),
    (0, 1, time(17), 1, ["tara.trial@demo.mecto.test"]),
    (0, 2, time(18), 2, ["client@demo.mecto.test", "tara.trial@demo.mecto.test"]),
    (0, 3, time(9), 0, ["sam.lead@demo.mecto.test"]),
    (0, 4, time(7), 0, ["client@demo.mecto.test"]),
    (1, 0, time(7), 0, ["client@demo.mecto.test"]),
    (1, 1, time(17, 30), 1, ["sam.lead@demo.mecto.test"]),
    (1, 2, time(18), 2, ["client@demo.mecto.test", "tara.trial@demo.mecto.test"]),
    (1, 4, time(7), 0, ["client@demo.mecto.test"]),
]
CREDITS = {"client@demo.mecto.test": 10, "tara.trial@demo.mecto.test": 5}


@demo_seeder(order=30)
def seed_demo_calendar(*, organization, coach, owner, clients: dict, **context) -> int:
    """Hours, services and bookings for `coach`; `clients` maps email to Client. Returns the
    number of bookings made (none when the coach already has sessions these two weeks)."""
    services.ensure_coach_profile(organization=organization, user=coach)
    services.set_weekly_hours(organization=organization, coach=coach, intervals=HOURS, actor=owner)
    offered = []
    for fields in SERVICES:
        existing = ServiceType.objects.for_org(organization).filter(name=fields["name"]).first()
        if existing is None:
            existing = services.save_service_type(organization=organization, actor=owner, coaches=[coach], **fields)
        offered.append(existing)
    for email, quantity in CREDITS.items():
        services.grant_credits(
            client=clients[email],
            quantity=quantity,
            source_ref=f"demo:{email}",
            expires_at=timezone.now() + timedelta(days=180),
            reason="Demo package",
            actor=owner,
        )

    profile = services.ensure_coach_profile(organization=organization, user=coach)
    tz = ZoneInfo(profile.time_zone)
    today = timezone.now().astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    first = datetime.combine(monday, time(0), tzinfo=tz)
    if Session.objects.for_org(organization).filter(coach=coach, start_at__gte=first).exists():
        return 0
    made = 0
    now = timezone.now()
    for week, weekday, at, service_index, emails in BOOKINGS:
        start = datetime.combine(monday + timedelta(weeks=week, days=weekday), at, tzinfo=tz)
        for email in emails:
            booking = services.book_session(
                service=offered[service_index],
                coach=coach,
                start_at=start,
                client=clients[email],
                actor=coach,
                source=Booking.Source.COACH,
            )
            made += 1
            if start < now - timedelta(hours=1) and made % 3:
                services.mark_attendance(booking=booking, attendance=Booking.Attendance.ATTENDED, actor=coach)
    return made
