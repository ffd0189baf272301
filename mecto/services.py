"""What update services share: refuse fields they do not know, lock the row, assign,
validate as the model does and report the first problem as a domain error."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from mecto.errors import DomainError

M = TypeVar("M", bound=Model)


def check_fields(fields: Iterable[str], allowed: Iterable[str], *, error: type[DomainError] = DomainError) -> None:
    """A service called with a field it does not change refuses, rather than ignore it."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise error(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})


def full_clean(
    instance: Model,
    *,
    exclude: Iterable[str] | None = None,
    error: type[DomainError] = DomainError,
    validate_unique: bool = False,
) -> None:
    """Model validation as a domain error on the first field that fails.

    Uniqueness and constraints are left to the database by default (a concurrent insert
    would pass a check made here); services that want the friendlier message ask for it.
    """
    try:
        instance.full_clean(
            exclude=list(exclude or ()), validate_unique=validate_unique, validate_constraints=validate_unique
        )
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise error(messages[0], field=None if field == "__all__" else field) from exc


def update_model(
    instance: M,
    fields: dict,
    *,
    allowed: Iterable[str],
    error: type[DomainError] = DomainError,
    exclude: Iterable[str] | None = None,
    lock: bool = True,
    before_clean: Callable[[M, list[str]], None] | None = None,
    validate_unique: bool = False,
    save: bool = True,
) -> tuple[M, list[str]]:
    """Change `fields` on `instance` the way every update service does.

    Refuses unknown fields, re-reads a saved row under `SELECT … FOR UPDATE` (two edits of
    one row do not interleave; call it inside the service's transaction; an unsaved row,
    such as defaults not yet stored, is taken as it is), assigns each value,
    runs `before_clean(row, changed)` for the service's own rules, validates the model and
    saves. Returns the fresh row and the names of the fields whose value changed, so the
    service can emit its event or skip it.
    """
    check_fields(fields, allowed, error=error)
    row = instance
    if lock and instance.pk is not None:
        row = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    changed = []
    for name, value in fields.items():
        if getattr(row, name) != value:
            changed.append(name)
        setattr(row, name, value)
    if before_clean is not None:
        before_clean(row, changed)
    full_clean(row, exclude=exclude, error=error, validate_unique=validate_unique)
    if save:
        row.save()
    return row, changed
