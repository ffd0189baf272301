"""Reads of a client's health data from their phone: daily figures for the API and charts."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mecto.localization import kg_to_display, weight_unit, zone

from .models import Client, HealthDay, HealthKind, HealthSample

KCAL_PER_KJ = Decimal(1) / Decimal("4.184")
# The kinds drawn on the health charts, in order; weight from the phone lands in the Weight
# measurement and is drawn with the other measurements.
CHART_KINDS = [
    HealthKind.STEPS,
    HealthKind.SLEEP,
    HealthKind.RESTING_HR,
    HealthKind.AVERAGE_HR,
    HealthKind.ACTIVE_ENERGY,
]
BAR_KINDS = {HealthKind.STEPS, HealthKind.ACTIVE_ENERGY, HealthKind.SLEEP}


def health_days(
    *, client: Client, kind: str | None = None, start: datetime.date | None = None, end: datetime.date | None = None
) -> QuerySet[HealthDay]:
    """The client's daily figures, oldest first, optionally of one kind and within dates (inclusive)."""
    qs = HealthDay.objects.for_org(client.organization).filter(client=client).select_related("client")
    if kind:
        qs = qs.filter(kind=kind)
    if start:
        qs = qs.filter(day__gte=start)
    if end:
        qs = qs.filter(day__lte=end)
    return qs.order_by("day", "kind", "id")


def display_unit(kind: str, unit_system: str) -> str:
    """The unit a person reads for a kind. Energy shows in kcal, as nutrition targets do."""
    return {
        HealthKind.STEPS: _("steps"),
        HealthKind.SLEEP: _("h"),
        HealthKind.RESTING_HR: _("bpm"),
        HealthKind.AVERAGE_HR: _("bpm"),
        HealthKind.WEIGHT: weight_unit(unit_system),
        HealthKind.ACTIVE_ENERGY: _("kcal"),
    }[kind]


def display_value(kind: str, value, unit_system: str):
    """An SI figure in the person's units (steps, hours, bpm, kg or lb, kcal) as a number."""
    if value is None:
        return None
    value = Decimal(value)
    if kind == HealthKind.SLEEP:
        return float((value / 3600).quantize(Decimal("0.1")))
    if kind == HealthKind.WEIGHT:
        return float(kg_to_display(value, unit_system))
    if kind == HealthKind.ACTIVE_ENERGY:
        return int((value * KCAL_PER_KJ).quantize(Decimal(1)))
    return int(value.quantize(Decimal(1)))


def health_charts(*, client: Client, days: int = 30) -> list[dict]:
    """One chart per kind with data in the last `days` days (the client's local dates), in
    the shape of the progress charts, plus the average over the days with data. One query."""
    today = timezone.localdate(timezone=zone(client.time_zone))
    first = today - datetime.timedelta(days=days - 1)
    units = client.unit_system
    by_kind: dict[str, dict] = {}
    names = dict(HealthKind.choices)
    for row in health_days(client=client, start=first, end=today).filter(kind__in=CHART_KINDS):
        chart = by_kind.get(row.kind)
        if chart is None:
            chart = by_kind[row.kind] = {
                "key": f"health-{row.kind}",
                "kind": "number",
                "health_kind": row.kind,
                "type": "bar" if row.kind in BAR_KINDS else "line",
                "name": str(names[row.kind]),
                "unit": display_unit(row.kind, units),
                "target": None,
                "labels": [],
                "values": [],
            }
        chart["labels"].append(row.day.isoformat())
        chart["values"].append(display_value(row.kind, row.value, units))
    charts = [by_kind[kind] for kind in CHART_KINDS if kind in by_kind]
    for chart in charts:
        chart["latest"] = chart["values"][-1]
        chart["latest_day"] = datetime.date.fromisoformat(chart["labels"][-1])
        average = sum(chart["values"]) / len(chart["values"])
        chart["average"] = round(average, 1) if chart["health_kind"] == HealthKind.SLEEP else round(average)
    return charts


def health_sync_status(*, client: Client) -> dict:
    """When the phone last sent anything, and from which sources (for the page's summary)."""
    samples = HealthSample.objects.for_org(client.organization).filter(client=client)
    last = samples.aggregate(last=Max("received_at"))["last"]
    sources = []
    if last is not None:
        sources = list(samples.exclude(source="").order_by("source").values_list("source", flat=True).distinct()[:5])
    return {"last_sync": last, "sources": sources}


__all__ = ["CHART_KINDS", "display_unit", "display_value", "health_charts", "health_days", "health_sync_status"]
