from celery import shared_task

from .services import habits


@shared_task(name="nutrition.record_habit_streak_breaks")
def record_habit_streak_breaks() -> int:
    """Hourly: emit habit.streak_broken once for each streak whose missed day's grace period ended
    (hourly, because a client's day ends at their own local hour)."""
    return habits.record_streak_breaks()
