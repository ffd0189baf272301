"""iCalendar (RFC 5545) for invites attached to booking emails and the coach's feed."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Mecto//Booking//EN"


def _calendar(method: str | None = None, name: str = "") -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    return cal


def _event(session, *, summary: str, description: str, status: str = "CONFIRMED") -> Event:
    event = Event()
    event.add("uid", session.uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.start_at)
    event.add("dtend", session.end_at)
    event.add("sequence", session.sequence)
    event.add("summary", summary)
    event.add("description", description)
    event.add("status", status)
    location = session.address or session.video_url
    if location:
        event.add("location", location)
    if session.video_url:
        event.add("url", session.video_url)
    return event


def booking_invite(booking, *, cancel: bool = False) -> bytes:
    """The client's invite (METHOD:REQUEST), or its cancellation (METHOD:CANCEL)."""
    from .tokens import manage_url

    session = booking.session
    org = booking.organization
    cal = _calendar("CANCEL" if cancel else "REQUEST")
    lines = [f"{session.service.name} with {session.coach.get_full_name()} ({org.name})"]
    if session.video_url:
        lines.append(f"Join online: {session.video_url}")
    if not cancel:
        lines.append(f"Reschedule or cancel: {manage_url(booking)}")
    event = _event(
        session,
        summary=f"{session.service.name} · {org.name}",
        description="\n".join(lines),
        status="CANCELLED" if cancel else "CONFIRMED",
    )
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}")
    organizer.params["cn"] = vText(org.name)
    event.add("organizer", organizer)
    if booking.client.email:
        attendee = vCalAddress(f"mailto:{booking.client.email}")
        attendee.params["cn"] = vText(booking.client.full_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("ACCEPTED")
        event.add("attendee", attendee)
    cal.add_component(event)
    return cal.to_ical()


def coach_feed(profile, sessions: Iterable) -> bytes:
    """Every session of a coach as a subscribable calendar (Google, Outlook, Apple)."""
    cal = _calendar(name=f"{profile.user.get_full_name()} · {profile.organization.name}")
    cal.add("x-published-ttl", "PT15M")
    for session in sessions:
        names = ", ".join(b.client.full_name for b in session.bookings.all())
        summary = f"{session.service.name} · {names}" if names else session.service.name
        lines = [names] if names else []
        if session.video_url:
            lines.append(f"Video: {session.video_url}")
        if session.notes:
            lines.append(session.notes)
        cal.add_component(_event(session, summary=summary, description="\n".join(lines)))
    return cal.to_ical()
