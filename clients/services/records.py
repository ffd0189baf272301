"""Client records: create, update, lifecycle."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from automation.events import emit, register_event_type
from mecto.errors import DomainError

from ..models import Client

__all__ = ["CLIENT_FIELDS", "create_client", "update_client"]

register_event_type("client.created", _("A client or lead was added"))
register_event_type("client.updated", _("A client's details changed"))
register_event_type("client.status_changed", _("A client's status changed (lead, trial, active, paused, former)"))

CLIENT_FIELDS = {"first_name", "last_name", "email", "phone", "status", "coach", "time_zone", "unit_system"}


def _check_email_free(organization, email: str, exclude_pk: int | None = None) -> None:
    if not email:
        return
    qs = Client.objects.for_org(organization).filter(email__iexact=email)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise DomainError(_("A client with the email %(email)s already exists.") % {"email": email}, field="email")


def _check_coach(organization, coach) -> None:
    if coach is not None and not coach.memberships.filter(organization=organization, is_active=True).exists():
        raise DomainError(_("Choose a coach from your team."), field="coach")


@transaction.atomic
def create_client(*, organization, actor=None, **fields) -> Client:
    """Add a client (or lead); duplicate emails within a business are refused."""
    unknown = set(fields) - CLIENT_FIELDS
    if unknown:
        raise DomainError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    fields["email"] = (fields.get("email") or "").strip().lower()
    fields.setdefault("time_zone", organization.time_zone)
    fields.setdefault("unit_system", organization.unit_system)
    _check_email_free(organization, fields["email"])
    _check_coach(organization, fields.get("coach"))
    client = Client(organization=organization, **fields)
    client.full_clean(exclude=["organization", "coach", "user"])
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError as exc:  # a concurrent insert of the same email
        raise DomainError(_("A client with this email already exists."), field="email") from exc
    emit(organization, "client.created", {"client_id": client.pk, "status": client.status}, actor=actor, client=client)
    return client


@transaction.atomic
def update_client(*, client: Client, actor=None, **fields) -> Client:
    unknown = set(fields) - CLIENT_FIELDS
    if unknown:
        raise DomainError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    client = Client.objects.select_for_update().get(pk=client.pk)
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip().lower()
        _check_email_free(client.organization, fields["email"], exclude_pk=client.pk)
    if "coach" in fields:
        _check_coach(client.organization, fields["coach"])
    old_status = client.status
    for key, value in fields.items():
        setattr(client, key, value)
    client.full_clean(exclude=["organization", "coach", "user"])
    client.save()
    if client.status != old_status:
        emit(
            client.organization,
            "client.status_changed",
            {"client_id": client.pk, "from": old_status, "to": client.status},
            actor=actor,
            client=client,
        )
    return client
