"""The coach dashboard card (today's and upcoming sessions) and the client portal's next session."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mecto.dashboard import Card
from mecto.localization import format_date, format_time

from .selectors import calendar_sessions, coach_profile


def _when(start_at, tz) -> str:
    """A session's start ("Wed 2 Dec 18:30") in the reader's clock, in the locale's named formats."""
    local = start_at.astimezone(tz)
    return f"{format_date(local, 'WEEKDAY_MONTH_DAY_FORMAT')} {format_time(local)}"


def upcoming_sessions_card(request, scope):
    tenant = request.tenant
    if not tenant.can("booking.manage"):
        return None
    now = timezone.now()
    upcoming = calendar_sessions(
        organization=tenant.organization, start=now, end=now + timedelta(days=7), coach_id=scope.coach_id
    )
    sessions = list(upcoming[:5])
    # The coach's own clock, as on their calendar (the business's for members without one).
    profile = coach_profile(organization=tenant.organization, user=request.user)
    tz = ZoneInfo(profile.time_zone if profile else tenant.organization.time_zone)
    rows = [
        f"{_when(s.start_at, tz)} · {s.service.name} · "
        + (", ".join(b.client.full_name for b in s.bookings.all()) or "—")
        for s in sessions
    ]
    return Card(
        title=_("Next 7 days"),
        value=str(len(rows)) if rows else "",
        body="" if rows else _("No sessions booked. Set your hours and share your booking page."),
        rows=rows,
        url=reverse("booking:calendar"),
        action=_("Open calendar"),
        order=20,
    )
