"""Nutrition reads worth naming."""

from __future__ import annotations

from datetime import date

from .models import NutritionSettings, NutritionTarget

_WEEKDAY_KINDS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def settings_for(client) -> NutritionSettings:
    """The client's nutrition settings, unsaved defaults if the coach has set none."""
    found = NutritionSettings.objects.filter(client=client).first()
    return found or NutritionSettings(client=client, organization_id=client.organization_id)


def is_training_day(*, client, day: date, settings: NutritionSettings | None = None) -> bool:
    settings = settings or settings_for(client)
    return day.isoweekday() in (settings.training_weekdays or [])


def target_for_day(*, client, day: date) -> NutritionTarget | None:
    """The targets that apply to `client` on `day` (their local date), by their target mode;
    the every-day targets when no more specific ones are set."""
    settings = settings_for(client)
    targets = {t.day_kind: t for t in NutritionTarget.objects.filter(client=client)}
    kind = None
    if settings.target_mode == NutritionSettings.TargetMode.WEEKDAY:
        kind = _WEEKDAY_KINDS[day.weekday()]
    elif settings.target_mode == NutritionSettings.TargetMode.TRAINING_REST:
        kind = "training" if is_training_day(client=client, day=day, settings=settings) else "rest"
    return targets.get(kind) or targets.get(NutritionTarget.DayKind.EVERY_DAY)
