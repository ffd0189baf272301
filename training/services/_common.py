"""What the training services share: their error, the acting user, the check for unknown
fields, and the calendar dates of a program's workouts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from mecto.errors import DomainError
from mecto.localization import zone
from mecto.services import check_fields

from ..models import Program, Workout

__all__ = ["TrainingError", "local_day_start", "schedule_dates"]


class TrainingError(DomainError):
    pass


def _unknown(fields: dict, allowed: set[str]) -> None:
    check_fields(fields, allowed, error=TrainingError)


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def local_day_start(day: date, time_zone: str) -> datetime:
    """The first instant of `day` in `time_zone`, in UTC (DST-safe: zoneinfo gives the
    offset in force on that date, and a day that starts in a gap starts at its first
    existing instant)."""
    tz = zone(time_zone)
    local = datetime.combine(day, time(0, 0), tzinfo=tz)
    # A midnight that does not exist (the clocks jump at 00:00) round-trips to a later time.
    roundtrip = local.astimezone(UTC).astimezone(tz)
    if roundtrip.replace(tzinfo=None) != local.replace(tzinfo=None):
        local = roundtrip
    return local.astimezone(UTC)


def schedule_dates(program: Program, start: date) -> list[tuple[Workout, date]]:
    """Each workout of the program with its calendar date: week N, day D falls on
    start + 7(N−1) + (D−1) days."""
    pairs = []
    for workout in Workout.objects.filter(program=program).select_related("week"):
        pairs.append((workout, start + timedelta(days=7 * (workout.week.position - 1) + workout.day - 1)))
    return sorted(pairs, key=lambda p: (p[1], p[0].position, p[0].pk))
