"""Training days registry: which days of a client's calendar have training scheduled.

Nutrition needs to know training days for training-day targets, but it sits on the same
layer as training and cannot import it. Training registers a provider at
`AppConfig.ready()`:

    schedule.register_training_days(func)   # func(client, start, end) -> set[date] | None

A provider returns the dates (the client's local dates, start and end included) with
training scheduled, or None when it knows no schedule for the client in that range, so
the caller falls back to the client's usual training weekdays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

TrainingDaysProvider = Callable[..., "set[date] | None"]

_providers: list[TrainingDaysProvider] = []


def register_training_days(func: TrainingDaysProvider) -> None:
    if func not in _providers:
        _providers.append(func)


def unregister_training_days(func: TrainingDaysProvider) -> None:
    if func in _providers:
        _providers.remove(func)


def training_days(client, start: date, end: date) -> set[date] | None:
    """Scheduled training dates between `start` and `end`, or None when no provider knows
    the client's schedule in that range."""
    found: set[date] | None = None
    for provider in _providers:
        days = provider(client, start, end)
        if days is not None:
            found = (found or set()) | set(days)
    return found


# --- Assigned workouts on the coach's calendar ------------------------------------------------------
# Booking draws the coach's calendar but cannot import training (same layer); training
# registers what it has scheduled:
#
#     schedule.register_calendar_workouts(func)
#     # func(*, organization, start: date, end: date, coach_id: int | None) -> list[CalendarWorkout]


@dataclass(frozen=True)
class CalendarWorkout:
    """A workout scheduled for a client on one of their dates (no time of day)."""

    date: date
    title: str
    client_id: int
    client_name: str
    coach_id: int | None
    url: str = ""
    id: str = ""


_workout_sources: list[Callable[..., list[CalendarWorkout]]] = []


def register_calendar_workouts(func: Callable[..., list[CalendarWorkout]]) -> None:
    if func not in _workout_sources:
        _workout_sources.append(func)


def calendar_workouts(*, organization, start: date, end: date, coach_id: int | None = None) -> list[CalendarWorkout]:
    """Assigned workouts dated between `start` and `end` (included), of one coach's clients or all."""
    return [
        item
        for func in _workout_sources
        for item in func(organization=organization, start=start, end=end, coach_id=coach_id)
    ]
