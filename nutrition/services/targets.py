"""Writes of a client's nutrition settings and targets."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.errors import DomainError
from mecto.events import emit, register_event_type

from ..models import NutritionSettings, NutritionTarget

register_event_type("nutrition.targets_changed", gettext_lazy("A client's nutrition targets changed"))
register_event_type("nutrition.settings_changed", gettext_lazy("A client's nutrition settings changed"))

TARGET_FIELDS = ["energy_kcal", "protein_g", "carbohydrate_g", "fat_g", "fibre_g"]
LIMITS = {
    "energy_kcal": (Decimal(500), Decimal(10000)),
    "protein_g": (Decimal(0), Decimal(1000)),
    "carbohydrate_g": (Decimal(0), Decimal(2000)),
    "fat_g": (Decimal(0), Decimal(1000)),
    "fibre_g": (Decimal(0), Decimal(200)),
}
# Which day kinds a mode uses (the every-day targets are the fallback of every mode).
MODE_KINDS = {
    NutritionSettings.TargetMode.SAME: ["every_day"],
    NutritionSettings.TargetMode.TRAINING_REST: ["training", "rest"],
    NutritionSettings.TargetMode.WEEKDAY: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
}


class TargetError(DomainError):
    pass


def _settings_row(client) -> NutritionSettings:
    row, _created = NutritionSettings.objects.select_for_update().get_or_create(
        client=client, defaults={"organization": client.organization}
    )
    return row


@transaction.atomic
def save_settings(
    *, client, target_mode: str | None = None, training_weekdays=None, tolerance_percent=None, actor=None
) -> NutritionSettings:
    """Set how the client's targets vary and how strictly their days are judged."""
    row = _settings_row(client)
    if target_mode is not None:
        if target_mode not in NutritionSettings.TargetMode.values:
            raise TargetError(
                _("Choose the same every day, training and rest days, or per weekday."), field="target_mode"
            )
        row.target_mode = target_mode
    if training_weekdays is not None:
        try:
            days = sorted({int(d) for d in training_weekdays})
        except (TypeError, ValueError):
            raise TargetError(_("Training days are weekdays 1 (Monday) to 7 (Sunday)."), field="training_weekdays")
        if any(d < 1 or d > 7 for d in days):
            raise TargetError(_("Training days are weekdays 1 (Monday) to 7 (Sunday)."), field="training_weekdays")
        row.training_weekdays = days
    if tolerance_percent is not None:
        try:
            tolerance = int(tolerance_percent)
        except (TypeError, ValueError):
            raise TargetError(_("Enter a tolerance between 1 and 50 %."), field="tolerance_percent")
        if not 1 <= tolerance <= 50:
            raise TargetError(_("Enter a tolerance between 1 and 50 %."), field="tolerance_percent")
        row.tolerance_percent = tolerance
    row.save()
    emit(
        client.organization,
        "nutrition.settings_changed",
        {"client_id": client.pk, "target_mode": row.target_mode, "tolerance_percent": row.tolerance_percent},
        actor=actor,
        client=client,
    )
    return row


def clean_values(values: dict) -> dict:
    """Target values as stored (energy a whole number of kcal); empty means not tracked."""
    cleaned = {}
    for name in TARGET_FIELDS:
        if name not in values:
            continue
        raw = values[name]
        if raw in (None, ""):
            cleaned[name] = None
            continue
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            raise TargetError(_("Enter a number."), field=name)
        if not value.is_finite():
            raise TargetError(_("Enter a number."), field=name)
        low, high = LIMITS[name]
        if not low <= value <= high:
            raise TargetError(_("Enter a value from %(low)s to %(high)s.") % {"low": low, "high": high}, field=name)
        cleaned[name] = int(value.quantize(Decimal(1))) if name == "energy_kcal" else value.quantize(Decimal("0.1"))
    return cleaned


@transaction.atomic
def save_target(*, client, day_kind: str, values: dict, note: str | None = None, actor=None) -> NutritionTarget:
    """Create or change the client's targets for one kind of day."""
    if day_kind not in NutritionTarget.DayKind.values:
        raise TargetError(_("Choose a kind of day."), field="day_kind")
    cleaned = clean_values(values)
    if note is not None and len(note) > 2000:
        raise TargetError(_("Keep the note under 2,000 characters."), field="note")
    target = NutritionTarget.objects.select_for_update().filter(
        client=client, day_kind=day_kind
    ).first() or NutritionTarget(organization=client.organization, client=client, day_kind=day_kind)
    for name, value in cleaned.items():
        setattr(target, name, value)
    if note is not None:
        target.note = note
    target.save()
    emit(
        client.organization,
        "nutrition.targets_changed",
        {
            "client_id": client.pk,
            "day_kind": day_kind,
            **{k: str(v) if v is not None else None for k, v in cleaned.items()},
        },
        actor=actor,
        client=client,
    )
    return target


@transaction.atomic
def delete_target(*, target: NutritionTarget, actor=None) -> None:
    client = target.client
    day_kind = target.day_kind
    target.delete()
    emit(
        client.organization,
        "nutrition.targets_changed",
        {"client_id": client.pk, "day_kind": day_kind, "deleted": True},
        actor=actor,
        client=client,
    )


@transaction.atomic
def apply_calculation(*, client, result, day_kinds: list[str] | None = None, actor=None) -> list[NutritionTarget]:
    """Save a calculator result as the targets of the given kinds of day (those of the
    client's mode by default), with the working as the note. The coach edits them after."""
    if not result.is_complete:
        raise TargetError(_("The calculation is missing inputs: %(missing)s") % {"missing": " ".join(result.missing)})
    if not day_kinds:
        from ..selectors import settings_for

        day_kinds = MODE_KINDS[settings_for(client).target_mode]
    return [
        save_target(client=client, day_kind=kind, values=result.targets, note=result.working[:2000], actor=actor)
        for kind in day_kinds
    ]
