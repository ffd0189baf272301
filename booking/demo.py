"""A living calendar for the demo business (`manage.py seed_demo`): a coach's weekly hours,
three services and a few bookings this week and next. Safe to run again."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from mecto.demo import demo_seeder

from . import services
from .models import Booking, GroupClass, ServiceType, Session

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


CLASS_TITLE = "Early circuit"


@demo_seeder(order=35)
def seed_demo_classes(*, organization, coach, owner, clients: dict, **context) -> int:
    """A weekly class on the timetable (the owner's, Fridays 07:00) with two places: the next
    one is full and has a waitlist. Returns the places and waitlist spots taken (none when
    the class is already there)."""
    if GroupClass.objects.for_org(organization).filter(title=CLASS_TITLE).exists():
        return 0
    service = ServiceType.objects.for_org(organization).filter(name=SERVICES[2]["name"]).first()
    if service is None:
        return 0
    if not service.coaches.filter(pk=owner.pk).exists():
        services.save_service_type(
            organization=organization, actor=owner, service=service, coaches=[*service.coaches.all(), owner]
        )
    group_class = services.save_group_class(
        organization=organization,
        actor=owner,
        service=service,
        coach=owner,
        title=CLASS_TITLE,
        capacity=2,
        room="Studio 1",
        weekly_times=[{"weekday": 4, "start_time": "07:00"}],
        starts_on=timezone.now().date(),
    )
    upcoming = (
        Session.objects.for_org(organization)
        .filter(group_class=group_class, status=Session.Status.SCHEDULED, start_at__gt=timezone.now())
        .order_by("start_at")
        .first()
    )
    if upcoming is None:
        return 0
    taken = 0
    for email in ("client@demo.mecto.test", "tara.trial@demo.mecto.test", "sam.lead@demo.mecto.test"):
        services.book_class(
            session=upcoming, client=clients[email], actor=owner, source=Booking.Source.COACH, join_waitlist=True
        )
        taken += 1
    return taken
