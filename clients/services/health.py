"""Health data from the client's phone: record a batch of samples (idempotent by the app's
own ids, converted to SI) and rebuild the daily figures of the days they touch."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.errors import DomainError
from mecto.events import emit, register_event_type
from mecto.localization import KG_PER_LB, zone

from ..models import Client, HealthDay, HealthKind, HealthSample, Metric, ProgressEntry

__all__ = [
    "HealthDataError",
    "HealthSync",
    "HealthRemoval",
    "MAX_HEALTH_SAMPLES",
    "delete_health_samples",
    "health_day_of",
    "record_health_samples",
]

register_event_type("health.synced", gettext_lazy("Health data arrived from the client's phone"))

MAX_HEALTH_SAMPLES = 2000
# A sleep counts for the day the client wakes up: one that ends at 18:00 or later belongs to
# the next day (a night whose first segment ends at 23:40 is the next morning's sleep).
SLEEP_DAY_SHIFT = datetime.timedelta(hours=6)
KJ_PER_KCAL = Decimal("4.184")
THOUSANDTH = Decimal("0.001")

# Units a sample may arrive in, per kind, and the factor to its SI unit; the first is the default.
UNITS: dict[str, dict[str, Decimal]] = {
    HealthKind.STEPS: {"count": Decimal(1)},
    HealthKind.SLEEP: {"s": Decimal(1), "min": Decimal(60), "h": Decimal(3600)},
    HealthKind.RESTING_HR: {"bpm": Decimal(1), "count/min": Decimal(1)},
    HealthKind.AVERAGE_HR: {"bpm": Decimal(1), "count/min": Decimal(1)},
    HealthKind.WEIGHT: {"kg": Decimal(1), "lb": KG_PER_LB, "g": Decimal("0.001")},
    HealthKind.ACTIVE_ENERGY: {"kj": Decimal(1), "kcal": KJ_PER_KCAL},
}
# Weight and energy have no safe default: 80 could be kg or lb, 500 kcal or kJ.
UNIT_REQUIRED = {HealthKind.WEIGHT, HealthKind.ACTIVE_ENERGY}
# Plausible values in SI; outside them a sample is refused rather than spoiling a chart.
# (lowest, highest, whether the highest itself is allowed)
LIMITS: dict[str, tuple[Decimal, Decimal, bool]] = {
    HealthKind.STEPS: (Decimal(0), Decimal(100_000), False),
    HealthKind.SLEEP: (Decimal(0), Decimal(86_400), False),
    HealthKind.RESTING_HR: (Decimal(20), Decimal(250), True),
    HealthKind.AVERAGE_HR: (Decimal(20), Decimal(250), True),
    HealthKind.WEIGHT: (Decimal(20), Decimal(400), True),
    HealthKind.ACTIVE_ENERGY: (Decimal(0), Decimal(40_000), False),
}
# One sample covers at most a day (25 hours on the day clocks go back); sleep less than 24 hours.
MAX_SPAN = datetime.timedelta(hours=25)
MAX_SLEEP_SPAN = datetime.timedelta(hours=24)
MAX_ERRORS = 100
STAGES = set(HealthSample.SleepStage.values)
UPDATED_FIELDS = ["kind", "value", "unit", "stage", "start_at", "end_at", "source", "device", "updated_at"]


class HealthDataError(DomainError):
    """A refused batch: `errors` maps paths (`samples.3.value`) to messages; nothing was saved."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(_("Some samples need your attention; none were saved."), field=next(iter(errors)))

    def as_dict(self) -> dict[str, list[str]]:
        return {path: [message] for path, message in self.errors.items()}


@dataclass
class HealthSync:
    """What a batch did: counts, and the days whose figures were rebuilt."""

    received: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    days: list[tuple[str, datetime.date]] = field(default_factory=list)


# --- Reading a batch ---------------------------------------------------------------------------------
def _text(raw, limit: int, label: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValueError(_("Send %(field)s as text.") % {"field": label})
    text = raw.strip()
    if len(text) > limit:
        raise ValueError(_("Keep it to %(n)s characters.") % {"n": limit})
    return text


def _number(raw) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise ValueError(_("Send a number."))
    if isinstance(raw, float) and not math.isfinite(raw):
        raise ValueError(_("Send a number."))
    try:
        number = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(_("Send a number."))
    if not number.is_finite() or abs(number) >= Decimal("1e9"):
        raise ValueError(_("Send a number."))
    return number


def _moment(raw, now: datetime.datetime) -> datetime.datetime:
    if not isinstance(raw, str) or len(raw) > 40:
        raise ValueError(_("Send a date and time like 2026-03-29T07:15:00Z."))
    try:
        moment = parse_datetime(raw.strip())
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(_("Send a date and time like 2026-03-29T07:15:00Z."))
    if timezone.is_naive(moment):
        raise ValueError(_("Include the time zone offset (Z or +01:00)."))
    moment = moment.astimezone(datetime.UTC)
    if moment.year < 2000:
        raise ValueError(_("Send a date from 2000 on."))
    if moment > now + datetime.timedelta(days=1):
        raise ValueError(_("This is in the future."))
    return moment


def _limit_message(kind: str) -> str:
    return {
        HealthKind.STEPS: _("Steps in one sample are from 0 to 99,999."),
        HealthKind.SLEEP: _("A sleep is shorter than 24 hours."),
        HealthKind.RESTING_HR: _("Heart rate is from 20 to 250 bpm."),
        HealthKind.AVERAGE_HR: _("Heart rate is from 20 to 250 bpm."),
        HealthKind.WEIGHT: _("Weight is from 20 to 400 kg (44 to 880 lb)."),
        HealthKind.ACTIVE_ENERGY: _("Active energy in one sample is below 40,000 kJ (9,560 kcal)."),
    }[kind]


def _read_sample(raw, errors: dict[str, str], path: str, now) -> HealthSample | None:
    """One sample as a HealthSample (unsaved, SI), or None with its problems in `errors`."""
    if not isinstance(raw, dict):
        errors[path] = _("Each sample is an object.")
        return None
    found: dict[str, str] = {}

    def check(name, read):
        try:
            return read()
        except ValueError as exc:
            found[name] = str(exc)
            return None

    raw_id = raw.get("id")
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        external_id = str(raw_id)[:100]
    else:
        external_id = check("id", lambda: _text(raw_id, 100, "id"))
    if "id" not in found and not external_id:
        found["id"] = _("Send the sample's own id, so sending it again changes nothing.")
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in HealthKind.values:
        found["kind"] = _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(HealthKind.values)}
        kind = None
    start = check("start", lambda: _moment(raw.get("start"), now))
    end = check("end", lambda: _moment(raw["end"], now) if raw.get("end") is not None else start)
    if start and end:
        if end < start:
            found["end"] = _("The end is before the start.")
        elif end - start > (MAX_SLEEP_SPAN if kind == HealthKind.SLEEP else MAX_SPAN):
            found["end"] = _("A sample covers a day at most; send one per day or shorter.")
            if kind == HealthKind.SLEEP:
                found["end"] = _("A sleep is shorter than 24 hours.")
    source = check("source", lambda: _text(raw.get("source"), 60, "source"))
    device = check("device", lambda: _text(raw.get("device"), 120, "device"))
    stage = ""
    if kind == HealthKind.SLEEP:
        stage = raw.get("stage") or HealthSample.SleepStage.ASLEEP
        if stage not in STAGES:
            found["stage"] = _("Choose one of: %(stages)s.") % {"stages": ", ".join(sorted(STAGES))}
    value = unit = None
    if kind:
        units = UNITS[kind]
        raw_unit = raw.get("unit")
        if raw_unit in (None, ""):
            if kind in UNIT_REQUIRED:
                found["unit"] = _("Say the unit: %(units)s.") % {"units": ", ".join(_unit_names(kind))}
            else:
                unit = next(iter(units))
        elif not isinstance(raw_unit, str) or raw_unit.strip().lower() not in units:
            found["unit"] = _("Use one of: %(units)s.") % {"units": ", ".join(_unit_names(kind))}
        else:
            unit = raw_unit.strip().lower()
        if kind == HealthKind.SLEEP and raw.get("value") is None:
            # A session: its length is the sleep (unless start or end is already refused).
            value = Decimal((end - start).total_seconds()) if start and end and "end" not in found else None
        else:
            value = check("value", lambda: _number(raw.get("value")))
        if value is not None and unit is not None:
            value = (value * units[unit]).quantize(THOUSANDTH)
            low, high, high_allowed = LIMITS[kind]
            if not (low <= value <= high if high_allowed else low <= value < high):
                found["value"] = _limit_message(kind)
            elif kind == HealthKind.SLEEP and start and end and value > Decimal((end - start).total_seconds()) + 60:
                found["value"] = _("The time asleep is longer than the time from start to end.")
    for name, message in found.items():
        errors[f"{path}.{name}"] = message
    if found:
        return None
    return HealthSample(
        external_id=external_id,
        kind=kind,
        value=value,
        unit=unit if unit != "kj" else "kJ",
        stage=stage,
        start_at=start,
        end_at=end,
        source=source,
        device=device,
    )


def _unit_names(kind: str) -> list[str]:
    return ["kJ" if unit == "kj" else unit for unit in UNITS[kind]]


def _read_batch(samples) -> list[HealthSample]:
    if not isinstance(samples, list):
        raise HealthDataError({"samples": _("Send a list of samples.")})
    if not samples:
        raise HealthDataError({"samples": _("Send at least one sample.")})
    if len(samples) > MAX_HEALTH_SAMPLES:
        raise HealthDataError(
            {"samples": _("Send at most %(n)s samples at a time (a week of hourly data).") % {"n": MAX_HEALTH_SAMPLES}}
        )
    now = timezone.now()
    errors: dict[str, str] = {}
    read: list[HealthSample] = []
    seen: set[str] = set()
    for index, raw in enumerate(samples):
        if len(errors) >= MAX_ERRORS:
            break
        path = f"samples.{index}"
        sample = _read_sample(raw, errors, path, now)
        if sample is None:
            continue
        if sample.external_id in seen:
            errors[f"{path}.id"] = _("This id is already in the batch.")
            continue
        seen.add(sample.external_id)
        read.append(sample)
    if errors:
        raise HealthDataError(errors)
    return read


# --- Days --------------------------------------------------------------------------------------------
def health_day_of(sample: HealthSample, tz) -> datetime.date:
    """The client's local day a sample counts for: where it starts, or for sleep the day of waking."""
    if sample.kind == HealthKind.SLEEP:
        return (sample.end_at + SLEEP_DAY_SHIFT).astimezone(tz).date()
    return sample.start_at.astimezone(tz).date()


def _local_midnight(day: datetime.date, tz) -> datetime.datetime:
    # zoneinfo resolves a midnight that does not exist (clocks jump at 00:00) to the instant of the jump.
    return datetime.datetime.combine(day, datetime.time.min).replace(tzinfo=tz)


def _runs(days: set[datetime.date]) -> list[tuple[datetime.date, datetime.date]]:
    """Consecutive days as (first, last) runs, so a week is one range, not seven."""
    runs: list[list[datetime.date]] = []
    for day in sorted(days):
        if runs and day - runs[-1][1] == datetime.timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(first, last) for first, last in runs]


def _samples_of_days(client: Client, touched: dict[str, set[datetime.date]], tz) -> list[HealthSample]:
    """Every sample of the touched days, in one query whatever their number."""
    query = Q()
    for kind, days in touched.items():
        for first, last in _runs(days):
            start = _local_midnight(first, tz)
            end = _local_midnight(last + datetime.timedelta(days=1), tz)
            if kind == HealthKind.SLEEP:
                query |= Q(kind=kind, end_at__gte=start - SLEEP_DAY_SHIFT, end_at__lt=end - SLEEP_DAY_SHIFT)
            else:
                query |= Q(kind=kind, start_at__gte=start, start_at__lt=end)
    return list(
        HealthSample.objects.filter(client=client)
        .filter(query)
        .only("kind", "value", "stage", "start_at", "end_at", "external_id", "source", "device")
    )


def _origin(sample: HealthSample) -> tuple[str, str]:
    """Where a sample was measured: a phone and a watch both counting steps are two origins."""
    return (sample.source.casefold(), sample.device.casefold())


def _cumulative_total(samples: list[HealthSample], tz) -> Decimal:
    """Steps or energy of one day without counting the same walk twice: when several origins
    (a phone and a watch) report, each local hour counts the origin that recorded most in it,
    so wearing the watch in the morning and carrying only the phone later adds up, while the
    hours both recorded count once."""
    hours: dict[datetime.datetime, dict[tuple[str, str], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for sample in samples:
        hour = sample.start_at.astimezone(tz).replace(minute=0, second=0, microsecond=0)
        hours[hour][_origin(sample)] += sample.value
    return sum((max(by_origin.values()) for by_origin in hours.values()), Decimal(0))


def _sleep_total(samples: list[HealthSample]) -> Decimal:
    """A night's sleep: each origin's own total (stages asleep; time in bed only when the origin
    records no stages, as older trackers do), and the origin that saw most of it counts: a
    watch and a sleep app tracking the same night do not make it two nights."""
    by_origin: dict[tuple[str, str], list[HealthSample]] = defaultdict(list)
    for sample in samples:
        by_origin[_origin(sample)].append(sample)
    totals = []
    for group in by_origin.values():
        asleep = [s.value for s in group if s.stage in HealthSample.ASLEEP_STAGES]
        in_bed = [s.value for s in group if s.stage == HealthSample.SleepStage.IN_BED]
        totals.append(sum(asleep or in_bed, Decimal(0)))
    return max(totals, default=Decimal(0))


def _figure(kind: str, samples: list[HealthSample], tz=datetime.UTC) -> dict:
    values = [s.value for s in samples]
    if kind in (HealthKind.STEPS, HealthKind.ACTIVE_ENERGY):
        return {"value": _cumulative_total(samples, tz), "minimum": None, "maximum": None}
    if kind == HealthKind.SLEEP:
        return {"value": _sleep_total(samples), "minimum": None, "maximum": None}
    if kind == HealthKind.WEIGHT:
        last = max(samples, key=lambda s: (s.end_at, s.start_at, s.external_id))
        return {"value": last.value, "minimum": min(values), "maximum": max(values)}
    average = (sum(values, Decimal(0)) / len(values)).quantize(THOUSANDTH)
    return {"value": average, "minimum": min(values), "maximum": max(values)}


def _rebuild_days(
    client: Client, touched: dict[str, set[datetime.date]], tz
) -> dict[tuple[str, datetime.date], Decimal]:
    """Recompute the touched days from their samples; a day left without samples goes."""
    grouped: dict[tuple[str, datetime.date], list[HealthSample]] = defaultdict(list)
    for sample in _samples_of_days(client, touched, tz):
        key = (sample.kind, health_day_of(sample, tz))
        if key[1] in touched.get(key[0], ()):
            grouped[key].append(sample)
    rows = [
        HealthDay(
            organization_id=client.organization_id,
            client=client,
            kind=kind,
            day=day,
            sample_count=len(samples),
            **_figure(kind, samples, tz),
        )
        for (kind, day), samples in grouped.items()
    ]
    if rows:
        HealthDay.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["client", "kind", "day"],
            update_fields=["value", "minimum", "maximum", "sample_count", "updated_at"],
        )
    emptied = Q()
    for kind, days in touched.items():
        gone = [day for day in days if (kind, day) not in grouped]
        if gone:
            emptied |= Q(kind=kind, day__in=gone)
    if emptied:
        HealthDay.objects.filter(client=client).filter(emptied).delete()
    return {key: row.value for key, row in zip(grouped, rows, strict=True)}


def _feed_weight(client: Client, weights: dict[datetime.date, Decimal | None]) -> None:
    """The day's last weight from the phone becomes the client's Weight measurement, unless the
    client or coach typed one for that day (theirs stays)."""
    metric = Metric.objects.for_org(client.organization).filter(key="weight", is_builtin=True).first()
    if metric is None:
        return
    typed = set(
        ProgressEntry.objects.filter(client=client, metric=metric, recorded_on__in=list(weights))
        .exclude(source=ProgressEntry.Source.DEVICE)
        .values_list("recorded_on", flat=True)
    )
    entries = [
        ProgressEntry(
            organization_id=client.organization_id,
            client=client,
            metric=metric,
            recorded_on=day,
            value=value,
            source=ProgressEntry.Source.DEVICE,
        )
        for day, value in weights.items()
        if value is not None and day not in typed
    ]
    if entries:
        ProgressEntry.objects.bulk_create(
            entries,
            update_conflicts=True,
            unique_fields=["client", "metric", "recorded_on"],
            update_fields=["value", "updated_at"],
        )
    gone = [day for day, value in weights.items() if value is None]
    if gone:
        ProgressEntry.objects.filter(
            client=client, metric=metric, recorded_on__in=gone, source=ProgressEntry.Source.DEVICE
        ).delete()


# --- The write ---------------------------------------------------------------------------------------
def _same(old: HealthSample, new: HealthSample) -> bool:
    return all(getattr(old, name) == getattr(new, name) for name in UPDATED_FIELDS if name != "updated_at")


@transaction.atomic
def record_health_samples(*, client: Client, samples, actor=None) -> HealthSync:
    """Store a batch of samples from the client's phone (all or none: a bad sample refuses the
    batch with every problem named by its index), keyed by the app's ids: a sample sent again
    changes nothing, a changed one replaces the stored one. Rebuilds only the days touched and
    feeds the day's weight into the Weight measurement. Emits `health.synced` when anything changed."""
    read = _read_batch(samples)
    # One sync at a time per client: two overlapping batches must not rebuild a day from stale rows.
    Client.objects.select_for_update().filter(pk=client.pk).values_list("pk", flat=True).first()
    tz = zone(client.time_zone)
    existing = {
        s.external_id: s
        for s in HealthSample.objects.filter(client=client, external_id__in=[s.external_id for s in read])
    }
    result = HealthSync(received=len(read))
    touched: dict[str, set[datetime.date]] = defaultdict(set)
    changed: list[HealthSample] = []
    for sample in read:
        old = existing.get(sample.external_id)
        if old is not None and _same(old, sample):
            result.unchanged += 1
            continue
        if old is not None:
            result.updated += 1
            touched[old.kind].add(health_day_of(old, tz))
        else:
            result.created += 1
        sample.organization_id = client.organization_id
        sample.client = client
        touched[sample.kind].add(health_day_of(sample, tz))
        changed.append(sample)
    if not changed:
        return result
    HealthSample.objects.bulk_create(
        changed, update_conflicts=True, unique_fields=["client", "external_id"], update_fields=UPDATED_FIELDS
    )
    figures = _rebuild_days(client, touched, tz)
    if HealthKind.WEIGHT in touched:
        _feed_weight(client, {day: figures.get((HealthKind.WEIGHT, day)) for day in touched[HealthKind.WEIGHT]})
    result.days = sorted((kind, day) for kind, days in touched.items() for day in days)
    days = [day for _kind, day in result.days]
    emit(
        client.organization,
        "health.synced",
        {
            "client_id": client.pk,
            "kinds": sorted(touched),
            "first_day": min(days).isoformat(),
            "last_day": max(days).isoformat(),
            "created": result.created,
            "updated": result.updated,
        },
        actor=actor,
        client=client,
    )
    return result


@dataclass
class HealthRemoval:
    """What a deletion did: how many of the ids were stored (and are gone), and the days rebuilt."""

    received: int = 0
    deleted: int = 0
    not_found: int = 0
    days: list[tuple[str, datetime.date]] = field(default_factory=list)


def _read_ids(ids) -> list[str]:
    if not isinstance(ids, list):
        raise HealthDataError({"ids": _("Send a list of the samples' ids.")})
    if not ids:
        raise HealthDataError({"ids": _("Send at least one id.")})
    if len(ids) > MAX_HEALTH_SAMPLES:
        raise HealthDataError({"ids": _("Send at most %(n)s ids at a time.") % {"n": MAX_HEALTH_SAMPLES}})
    errors: dict[str, str] = {}
    read: list[str] = []
    for index, raw in enumerate(ids):
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)
        if not isinstance(raw, str) or not raw.strip() or len(raw.strip()) > 100:
            errors[f"ids.{index}"] = _("Send the sample's own id as text (up to 100 characters).")
            if len(errors) >= MAX_ERRORS:
                break
            continue
        read.append(raw.strip())
    if errors:
        raise HealthDataError(errors)
    return list(dict.fromkeys(read))


@transaction.atomic
def delete_health_samples(*, client: Client, ids, actor=None) -> HealthRemoval:
    """Forget samples the phone's health store deleted (Health Connect and HealthKit report
    deletions by id): the samples go, their days are rebuilt (a day left empty goes, a weight
    from the phone leaves the Weight measurement). Ids never stored are counted, not refused,
    so a phone can send its deletion log again safely. Emits `health.synced` when anything went."""
    wanted = _read_ids(ids)
    Client.objects.select_for_update().filter(pk=client.pk).values_list("pk", flat=True).first()
    tz = zone(client.time_zone)
    doomed = list(
        HealthSample.objects.filter(client=client, external_id__in=wanted).only(
            "id", "kind", "start_at", "end_at", "external_id"
        )
    )
    result = HealthRemoval(received=len(wanted), deleted=len(doomed), not_found=len(wanted) - len(doomed))
    if not doomed:
        return result
    touched: dict[str, set[datetime.date]] = defaultdict(set)
    for sample in doomed:
        touched[sample.kind].add(health_day_of(sample, tz))
    HealthSample.objects.filter(pk__in=[s.pk for s in doomed]).delete()
    figures = _rebuild_days(client, touched, tz)
    if HealthKind.WEIGHT in touched:
        _feed_weight(client, {day: figures.get((HealthKind.WEIGHT, day)) for day in touched[HealthKind.WEIGHT]})
    result.days = sorted((kind, day) for kind, days in touched.items() for day in days)
    days = [day for _kind, day in result.days]
    emit(
        client.organization,
        "health.synced",
        {
            "client_id": client.pk,
            "kinds": sorted(touched),
            "first_day": min(days).isoformat(),
            "last_day": max(days).isoformat(),
            "created": 0,
            "updated": 0,
            "deleted": result.deleted,
        },
        actor=actor,
        client=client,
    )
    return result
