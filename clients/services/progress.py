"""Progress tracking: metrics, targets and entries (stored in SI, entered in the person's units)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.errors import DomainError
from mecto.events import emit, register_event_type

from ..models import Client, Metric, MetricTarget, ProgressEntry
from ..units import create_builtin_metrics, from_display

__all__ = [
    "ProgressError",
    "ensure_builtin_metrics",
    "create_metric",
    "update_metric",
    "log_progress",
    "delete_progress_entry",
    "set_client_target",
]

register_event_type("progress.logged", gettext_lazy("Progress was logged (measurements or metrics)"))


class ProgressError(DomainError):
    pass


class ProgressValuesError(ProgressError):
    """Several values can be wrong at once: `errors` maps metric keys to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(_("Some values need your attention."), field=next(iter(errors)))

    def as_dict(self) -> dict[str, list[str]]:
        return {key: [message] for key, message in self.errors.items()}


__all__.append("ProgressValuesError")


@transaction.atomic
def ensure_builtin_metrics(*, organization) -> int:
    return create_builtin_metrics(organization, metric_model=Metric, translate=_)


def _metric_fields(metric: Metric, fields: dict, unit_system: str) -> None:
    allowed = {"name", "kind", "unit", "direction", "target", "is_active", "quantity"}
    for key, value in fields.items():
        if key not in allowed:
            raise ProgressError(_("“%(field)s” cannot be changed here.") % {"field": key}, field=key)
        if metric.is_builtin and key in ("kind", "quantity"):
            raise ProgressError(_("The type of a built-in metric cannot change."), field=key)
        if key == "target":
            continue
        setattr(metric, key, value if value is not None else "")
    metric.name = (metric.name or "").strip()[:60]
    if not metric.name:
        raise ProgressError(_("Give the metric a name."), field="name")
    if metric.kind not in Metric.Kind.values:
        raise ProgressError(_("Choose a type: number, scale 1–10 or yes/no."), field="kind")
    if metric.direction not in Metric.Direction.values:
        raise ProgressError(_("Say whether higher or lower is better."), field="direction")
    if metric.quantity not in Metric.Quantity.values:
        raise ProgressError(_("Choose what the metric measures."), field="quantity")
    if metric.kind != Metric.Kind.NUMBER:
        metric.quantity, metric.unit = "", ""
    if "target" in fields:
        target = fields["target"]
        if target in (None, ""):
            metric.target = None
        else:
            try:
                metric.target = from_display(metric, target, unit_system)
            except ValueError as exc:
                raise ProgressError(str(exc), field="target") from exc


@transaction.atomic
def create_metric(*, organization, name: str, actor=None, si_units: bool = False, **fields) -> Metric:
    """A coach-defined metric (numeric, 1–10 scale or yes/no) with a direction and optional
    target (typed in the business's units, or SI with `si_units`)."""
    metric = Metric(organization=organization, name=name, is_builtin=False)
    fields.setdefault("kind", Metric.Kind.NUMBER)
    fields.setdefault("direction", Metric.Direction.UP)
    _metric_fields(metric, {"name": name, **fields}, "metric" if si_units else organization.unit_system)
    base = slugify(metric.name).replace("-", "_")[:40] or "metric"
    key, n = base, 1
    taken = set(Metric.objects.for_org(organization).values_list("key", flat=True))
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    metric.key = key
    metric.position = 1000 + Metric.objects.for_org(organization).count()
    metric.save()
    return metric


@transaction.atomic
def update_metric(*, metric: Metric, actor=None, si_units: bool = False, **fields) -> Metric:
    _metric_fields(metric, fields, "metric" if si_units else metric.organization.unit_system)
    metric.save()
    return metric


def _parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ProgressError(_("Enter a date like 2026-03-31."), field="recorded_on")


@transaction.atomic
def log_progress(
    *,
    client: Client,
    values: dict,
    recorded_on=None,
    actor=None,
    source: str = ProgressEntry.Source.COACH,
    note: str = "",
    si_units: bool = False,
) -> list[ProgressEntry]:
    """Log values for one day: `values` maps Metric rows (or keys) to what was typed in the
    client's units (or SI with `si_units`). Blank values are skipped; the same metric on the
    same day replaces the earlier value. Emits one `progress.logged`."""
    organization = client.organization
    day = _parse_date(recorded_on or timezone.localdate(timezone=_zone(client)))
    if day > timezone.localdate(timezone=_zone(client)) + datetime.timedelta(days=1):
        raise ProgressError(_("The date cannot be in the future."), field="recorded_on")
    if day.year < 1900:
        raise ProgressError(_("Enter a real date."), field="recorded_on")
    metrics = {m.key: m for m in Metric.objects.for_org(organization)}
    parsed: dict[Metric, Decimal] = {}
    errors: dict[str, str] = {}
    for metric_or_key, raw in values.items():
        metric = metric_or_key if isinstance(metric_or_key, Metric) else metrics.get(str(metric_or_key))
        key = metric.key if metric is not None else str(metric_or_key)
        if metric is None or metric.organization_id != organization.pk:
            errors[key] = _("There is no such metric.")
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        try:
            if si_units and metric.quantity in ("mass", "length"):
                value = from_display(metric, raw, "metric")
            else:
                value = from_display(metric, raw, client.unit_system)
        except ValueError as exc:
            errors[key] = str(exc)
            continue
        parsed[metric] = value
    if errors:
        raise ProgressValuesError(errors)
    if not parsed:
        raise ProgressError(_("Enter at least one value."))
    entries = []
    for metric, value in parsed.items():
        defaults = {
            "organization": organization,
            "value": value,
            "note": (note or "")[:300],
            "source": source,
            "logged_by": actor if getattr(actor, "pk", None) else None,
        }
        try:
            with transaction.atomic():
                entry, _created = ProgressEntry.objects.update_or_create(
                    client=client, metric=metric, recorded_on=day, defaults=defaults
                )
        except IntegrityError:  # a concurrent log of the same day won: replace its value
            entry = ProgressEntry.objects.get(client=client, metric=metric, recorded_on=day)
            for key, val in defaults.items():
                setattr(entry, key, val)
            entry.save()
        entries.append(entry)
    emit(
        organization,
        "progress.logged",
        {
            "client_id": client.pk,
            "recorded_on": day.isoformat(),
            "metrics": [m.key for m in parsed],
            "source": source,
        },
        actor=actor,
        client=client,
    )
    return entries


def _zone(client: Client):
    from mecto.localization import zone

    return zone(client.time_zone)


@transaction.atomic
def delete_progress_entry(*, entry: ProgressEntry, actor=None) -> None:
    entry.delete()


@transaction.atomic
def set_client_target(*, client: Client, metric: Metric, value, actor=None) -> MetricTarget | None:
    """The client's own target (typed in their units); blank removes it."""
    if metric.organization_id != client.organization_id:
        raise ProgressError(_("Choose a metric of your business."), field="metric")
    if value in (None, ""):
        MetricTarget.objects.filter(client=client, metric=metric).delete()
        return None
    try:
        si = from_display(metric, value, client.unit_system)
    except ValueError as exc:
        raise ProgressError(str(exc), field="target") from exc
    target, _created = MetricTarget.objects.update_or_create(
        client=client, metric=metric, defaults={"organization": client.organization, "value": si}
    )
    return target
