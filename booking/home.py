"""Booking's part of the client's home and history (`mecto.portal_home`): the next session
booked, and the sessions of each day of a month."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from mecto.portal_home import DayEvent, Moment

from .models import Booking
from .selectors import client_bookings


def next_session(client, moment: Moment) -> dict | None:
    booking = (
        client_bookings(client=client)
        .filter(status__in=Booking.ACTIVE, session__end_at__gte=moment.now)
        .order_by("session__start_at", "id")
        .first()
    )
    if booking is None:
        return None
    session = booking.session
    return {
        "public_id": booking.public_id,
        "service": session.service.name,
        "coach": str(session.coach) if session.coach_id else "",
        "start_at": session.start_at,
        "end_at": session.end_at,
        "is_today": moment.local_date(session.start_at) == moment.today,
        "video_url": session.video_url,
        "status": booking.status,
        "url": reverse("booking:portal_bookings"),
    }


def history(client, start: date, end: date, moment: Moment) -> list[DayEvent]:
    bookings = client_bookings(client=client).filter(
        session__start_at__gte=moment.start_of(start),
        session__start_at__lt=moment.start_of(end + timedelta(days=1)),
    )
    events = []
    for booking in bookings:
        session = booking.session
        if booking.status == Booking.Status.CANCELLED:
            status, label = "cancelled", booking.get_status_display()
        elif booking.attendance != Booking.Attendance.UNMARKED:
            status, label = booking.attendance, booking.get_attendance_display()
        else:
            status, label = "booked", booking.get_status_display()
        events.append(
            DayEvent(
                day=moment.local_date(session.start_at),
                kind="session",
                title=session.service.name,
                status=status,
                status_label=str(label),
                at=session.start_at,
                url=reverse("booking:portal_bookings"),
            )
        )
    return events
