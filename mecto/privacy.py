"""The client's data rights across apps: each app registers, in AppConfig.ready(), what it
keeps about a client (an exporter) and how it forgets it (an eraser).

- An exporter is `(client) -> Export`: named sections of plain rows, plus stored files to
  copy into the archive.
- An eraser is `(client, *, request) -> dict[str, int]`: it deletes or anonymises that
  app's personal data about the client and returns a summary of counts per table (no
  personal data). Erasers run in the order of `order` (lower first), all in one transaction;
  the clients app registers the last one (it removes the client record itself).

The platform imports no app: the clients app drives both flows (clients/services/privacy.py).
Apps added later (marketing, automation, integrations' API tokens) register their own.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass
class Export:
    """What one app hands over: `sections` maps a section name to rows (dicts of plain
    values); `files` lists (storage name, path inside the archive under files/)."""

    sections: dict[str, list[dict]] = field(default_factory=dict)
    files: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Participant:
    name: str
    exporter: Callable[..., Export] | None
    eraser: Callable[..., dict[str, int]] | None
    order: int = 100


_participants: dict[str, Participant] = {}


def register(
    name: str,
    *,
    exporter: Callable[..., Export] | None = None,
    eraser: Callable[..., dict[str, int]] | None = None,
    order: int = 100,
) -> None:
    """Register (or replace, by name) an app's exporter and eraser."""
    _participants[name] = Participant(name=name, exporter=exporter, eraser=eraser, order=order)


def participants() -> list[Participant]:
    return sorted(_participants.values(), key=lambda p: (p.order, p.name))


def exporters() -> list[Participant]:
    return [p for p in participants() if p.exporter is not None]


def erasers() -> list[Participant]:
    return [p for p in participants() if p.eraser is not None]


# --- Helpers for exporters ------------------------------------------------------------------------
def plain(value):
    """A value JSON and CSV can carry."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return value


def rows(queryset, *, exclude: Iterable[str] = ("organization",), related: Iterable[str] = ()) -> list[dict]:
    """Every concrete field of every row (foreign keys as ids), plus `related` lookups such
    as `metric__name`, in one query."""
    model = queryset.model
    excluded = set(exclude)
    names = [f.attname for f in model._meta.concrete_fields if f.name not in excluded]
    return [{k: plain(v) for k, v in row.items()} for row in queryset.values(*names, *related)]


def section(export: Export, name: str, queryset, *, files: Iterable[str] = (), folder: str = "", **kwargs) -> None:
    """Add a section of rows to `export`; the named file fields of each row go under files/."""
    data = rows(queryset, **kwargs)
    export.sections[name] = data
    for row in data:
        for field_name in files:
            stored = row.get(field_name)
            if stored:
                export.files.append((stored, f"{folder or name}/{stored.rsplit('/', 1)[-1]}"))


# --- Helpers for erasers --------------------------------------------------------------------------
def stored_files(queryset, *fields: str) -> list[str]:
    """The storage names held in `fields` of the rows (to remove once the rows are gone)."""
    names: list[str] = []
    for values in queryset.values_list(*fields):
        names += [v for v in values if v]
    return names


def delete_rows(summary: dict[str, int], *querysets) -> dict[str, int]:
    """Delete the rows (cascades included) and count them per table into `summary`."""
    for queryset in querysets:
        _total, per_model = queryset.delete()
        for label, count in per_model.items():
            if count:
                summary[label] = summary.get(label, 0) + count
    return summary


def remove_files_on_commit(names: Iterable[str]) -> None:
    """Remove stored files once the transaction that dropped their rows commits."""
    from django.core.files.storage import default_storage
    from django.db import transaction

    names = [n for n in names if n]

    def remove():
        for name in names:
            try:
                default_storage.delete(name)
            except Exception:  # a file already gone is what we want
                pass

    transaction.on_commit(remove)
