"""Client records: create, update, lifecycle with history, consent, tags and notes."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto import comms
from mecto.comms.models import Channel, Consent
from mecto.errors import DomainError
from mecto.events import emit, register_event_type
from mecto.services import check_fields, full_clean

from ..models import Client, ClientTag, Note, StatusChange, Tag

__all__ = [
    "CLIENT_FIELDS",
    "ClientError",
    "create_client",
    "update_client",
    "change_status",
    "delete_client",
    "record_consent",
    "set_client_tags",
    "get_or_create_tags",
    "rename_tag",
    "delete_tag",
    "add_note",
    "update_note",
    "delete_note",
]

register_event_type("client.created", gettext_lazy("A client or lead was added"))
register_event_type("client.updated", gettext_lazy("A client's details changed"))
register_event_type(
    "client.status_changed", gettext_lazy("A client's status changed (lead, trial, active, paused, former)")
)
register_event_type("client.consent_changed", gettext_lazy("A client gave or withdrew marketing consent"))
register_event_type("client.deleted", gettext_lazy("A client was deleted"))
register_event_type("note.added", gettext_lazy("A coach wrote a note about a client"))

CLIENT_FIELDS = {
    "first_name",
    "last_name",
    "email",
    "phone",
    "status",
    "coach",
    "time_zone",
    "unit_system",
    "date_of_birth",
    "sex",
    "height_cm",
    "goals",
    "source",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relationship",
    "needs_medical_clearance",
}
# Accepted beside the model fields: tags (names or Tag rows), consent per channel and how it was given.
EXTRA_FIELDS = {"tags", "email_consent", "sms_consent", "consent_method"}
TRACKED_FIELDS = CLIENT_FIELDS - {"status"}


class ClientError(DomainError):
    pass


def _check_unknown(fields: dict) -> None:
    check_fields(fields, CLIENT_FIELDS | EXTRA_FIELDS, error=ClientError)


def _check_email_free(organization, email: str, exclude_pk: int | None = None) -> None:
    if not email:
        return
    qs = Client.objects.for_org(organization).filter(email__iexact=email)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ClientError(_("A client with the email %(email)s already exists.") % {"email": email}, field="email")


def _check_coach(organization, coach) -> None:
    if coach is not None and not coach.memberships.filter(organization=organization, is_active=True).exists():
        raise ClientError(_("Choose a coach from your team."), field="coach")


def _full_clean(client: Client) -> None:
    born = client.date_of_birth
    if born is not None and (born > timezone.localdate() or born.year < 1900):
        raise ClientError(_("Enter a real date of birth (in the past, after 1900)."), field="date_of_birth")
    full_clean(client, exclude=["organization", "coach", "user"], error=ClientError)


@transaction.atomic
def create_client(*, organization, actor=None, is_demo: bool = False, **fields) -> Client:
    """Add a client (or lead); duplicate emails within a business are refused. `is_demo` marks
    sample data ("Remove demo data" deletes it)."""
    _check_unknown(fields)
    tags = fields.pop("tags", None)
    consents = {channel: fields.pop(f"{channel}_consent", None) for channel in Channel.values}
    consent_method = fields.pop("consent_method", "") or _("Recorded by the coach")
    fields["email"] = (fields.get("email") or "").strip().lower()
    fields = {k: ("" if v is None and k in _TEXT_FIELDS else v) for k, v in fields.items()}
    fields.setdefault("time_zone", organization.time_zone)
    fields.setdefault("unit_system", organization.unit_system)
    _check_email_free(organization, fields["email"])
    _check_coach(organization, fields.get("coach"))
    client = Client(organization=organization, is_demo=is_demo, **fields)
    client.status_changed_at = timezone.now()
    _full_clean(client)
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError as exc:  # a concurrent insert of the same email
        raise ClientError(_("A client with this email already exists."), field="email") from exc
    StatusChange.objects.create(
        organization=organization,
        client=client,
        from_status="",
        to_status=client.status,
        changed_by=_user(actor),
        changed_at=client.status_changed_at,
    )
    if tags:
        set_client_tags(client=client, tags=tags)
    for channel, granted in consents.items():
        if granted:
            record_consent(client=client, channel=channel, granted=True, method=consent_method, actor=actor)
    emit(
        organization,
        "client.created",
        {"client_id": client.pk, "status": client.status, "source": client.source},
        actor=actor,
        client=client,
    )
    return client


_TEXT_FIELDS = {
    "first_name",
    "last_name",
    "phone",
    "sex",
    "goals",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relationship",
}


def _user(actor):
    return actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def update_client(*, client: Client, actor=None, status_note: str = "", **fields) -> Client:
    """Change a client's details; a status change is kept in the history, consent with proof."""
    _check_unknown(fields)
    tags = fields.pop("tags", None)
    consents = {channel: fields.pop(f"{channel}_consent", None) for channel in Channel.values}
    consent_method = fields.pop("consent_method", "") or _("Changed by the coach")
    client = Client.objects.select_for_update().get(pk=client.pk)
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip().lower()
        _check_email_free(client.organization, fields["email"], exclude_pk=client.pk)
    if "coach" in fields:
        _check_coach(client.organization, fields["coach"])
    old_status = client.status
    old_addresses = {Channel.EMAIL: client.email, Channel.SMS: client.phone}
    changed = []
    for key, value in fields.items():
        if value is None and key in _TEXT_FIELDS:
            value = ""
        if getattr(client, key) != value:
            changed.append(key)
        setattr(client, key, value)
    _full_clean(client)
    if client.status != old_status:
        client.status_changed_at = timezone.now()
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError as exc:
        raise ClientError(_("A client with this email already exists."), field="email") from exc
    if client.status != old_status:
        _record_status(client, old_status, actor, status_note)
    if tags is not None:
        set_client_tags(client=client, tags=tags)
    for channel, field in ((Channel.EMAIL, "email"), (Channel.SMS, "phone")):
        if field in changed and consents.get(channel) is None:
            _carry_consent_to_new_address(client, channel, old_addresses[channel], actor)
    for channel, granted in consents.items():
        if granted is not None and bool(granted) != getattr(client, f"{channel}_consent"):
            record_consent(client=client, channel=channel, granted=bool(granted), method=consent_method, actor=actor)
    tracked = [f for f in changed if f in TRACKED_FIELDS]
    if tracked:
        emit(
            client.organization,
            "client.updated",
            {"client_id": client.pk, "fields": tracked},
            actor=actor,
            client=client,
        )
    return client


def _record_status(client: Client, old_status: str, actor, note: str = "") -> None:
    StatusChange.objects.create(
        organization=client.organization,
        client=client,
        from_status=old_status,
        to_status=client.status,
        note=(note or "")[:300],
        changed_by=_user(actor),
        changed_at=client.status_changed_at,
    )
    emit(
        client.organization,
        "client.status_changed",
        {"client_id": client.pk, "from": old_status, "to": client.status},
        actor=actor,
        client=client,
    )


@transaction.atomic
def change_status(*, client: Client, status: str, actor=None, note: str = "") -> Client:
    """Move a client along the lifecycle (lead, trial, active, paused, former)."""
    if status not in Client.Status.values:
        raise ClientError(_("Choose a status: lead, trial, active, paused or former."), field="status")
    return update_client(client=client, actor=actor, status=status, status_note=note)


@transaction.atomic
def delete_client(*, client: Client, actor=None) -> None:
    """Delete a client and everything kept about them, stored files included (GDPR erasure)."""
    from .photos import delete_files_on_commit

    delete_files_on_commit(_stored_files_of(client))
    # Ids only: the event outlives the erasure (timeline, webhooks, automation).
    emit(client.organization, "client.deleted", {"client_id": client.pk}, actor=actor)
    portal_user = client.user
    client.delete()
    if portal_user is not None:
        _end_portal_access(portal_user)


def _end_portal_access(user) -> None:
    """The deleted client's login stops: every session and app token ends, and an account
    that no other business knows (no other client record, no team) is deleted with them."""
    from accounts.services import close_account, end_sessions

    end_sessions(user=user)
    if not Client.objects.filter(user=user).exists():
        close_account(user=user)


def _stored_files_of(client: Client) -> list[str]:
    from ..models import Message, ProgressPhoto

    names: list[str] = []
    for image, thumbnail in ProgressPhoto.objects.filter(client=client).values_list("image", "thumbnail"):
        names += [image, thumbnail]
    names += list(Message.objects.filter(client=client).exclude(attachment="").values_list("attachment", flat=True))
    return names


@transaction.atomic
def record_consent(*, client: Client, channel: str, granted: bool, method: str, actor=None) -> Consent:
    """Give or withdraw marketing consent on one channel; the proof is kept by the sending
    mechanism against the client's address, which is what decides every marketing send."""
    if channel not in Channel.values:
        raise ClientError(_("Choose a channel: email or SMS."), field="channel")
    method = (method or "").strip()[:200]
    if not method:
        raise ClientError(_("Say how consent was given or withdrawn."), field="method")
    now = timezone.now()
    record = comms.record_consent(
        organization=client.organization,
        channel=channel,
        address=client.email if channel == Channel.EMAIL else client.phone,
        granted=bool(granted),
        method=method,
        recorded_by=_user(actor),
        client_id=client.pk,
        recorded_at=now,
    )
    _mirror_consent(client, channel, bool(granted), method, now)
    emit(
        client.organization,
        "client.consent_changed",
        {"client_id": client.pk, "channel": channel, "granted": bool(granted), "method": method},
        actor=actor,
        client=client,
    )
    return record


def _mirror_consent(client: Client, channel: str, granted: bool, method: str, at) -> None:
    """The client's consent fields show (and filter by) what the sending mechanism holds."""
    values = {f"{channel}_consent": granted, f"{channel}_consent_at": at, f"{channel}_consent_method": method}
    Client.objects.filter(pk=client.pk).update(**values)
    for name, value in values.items():
        setattr(client, name, value)


def _carry_consent_to_new_address(client: Client, channel: str, old_address: str, actor=None) -> None:
    """Consent is kept per address: a client who consented keeps it on their new address."""
    if not getattr(client, f"{channel}_consent"):
        return
    new_address = client.email if channel == Channel.EMAIL else client.phone
    if not new_address:
        return
    comms.record_consent(
        organization=client.organization,
        channel=channel,
        address=new_address,
        granted=True,
        method=(_("Carried over from %(old)s when the address changed") % {"old": old_address or _("no address")})[
            :200
        ],
        recorded_by=_user(actor),
        client_id=client.pk,
    )


def _clean_tag_name(name: str) -> str:
    name = " ".join(str(name or "").split())[:40]
    return name


@transaction.atomic
def get_or_create_tags(*, organization, names) -> list[Tag]:
    tags = []
    for raw in names:
        name = _clean_tag_name(raw)
        if not name:
            continue
        tag = Tag.objects.for_org(organization).filter(name__iexact=name).first()
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(organization=organization, name=name)
            except IntegrityError:
                tag = Tag.objects.for_org(organization).get(name__iexact=name)
        if tag not in tags:
            tags.append(tag)
    return tags


@transaction.atomic
def set_client_tags(*, client: Client, tags) -> list[Tag]:
    """Replace the client's tags with `tags` (Tag rows of the business, or names to find or create)."""
    names = [t for t in tags if isinstance(t, str)]
    rows = [t for t in tags if isinstance(t, Tag)]
    if any(t.organization_id != client.organization_id for t in rows):
        raise ClientError(_("Choose tags of your business."), field="tags")
    wanted = {t.pk: t for t in rows + get_or_create_tags(organization=client.organization, names=names)}
    ClientTag.objects.filter(client=client).exclude(tag_id__in=wanted).delete()
    have = set(ClientTag.objects.filter(client=client).values_list("tag_id", flat=True))
    ClientTag.objects.bulk_create(
        ClientTag(organization=client.organization, client=client, tag_id=pk) for pk in wanted if pk not in have
    )
    return list(wanted.values())


@transaction.atomic
def rename_tag(*, tag: Tag, name: str) -> Tag:
    name = _clean_tag_name(name)
    if not name:
        raise ClientError(_("Give the tag a name."), field="name")
    if Tag.objects.for_org(tag.organization).filter(name__iexact=name).exclude(pk=tag.pk).exists():
        raise ClientError(_("A tag with this name already exists."), field="name")
    tag.name = name
    tag.save(update_fields=["name"])
    return tag


@transaction.atomic
def delete_tag(*, tag: Tag) -> None:
    tag.delete()


@transaction.atomic
def add_note(*, client: Client, author, body: str, is_pinned: bool = False) -> Note:
    body = (body or "").strip()
    if not body:
        raise ClientError(_("Write something first."), field="body")
    if len(body) > 10000:
        raise ClientError(_("Keep a note under 10,000 characters."), field="body")
    note = Note.objects.create(
        organization=client.organization, client=client, author=_user(author), body=body, is_pinned=is_pinned
    )
    emit(client.organization, "note.added", {"client_id": client.pk, "note_id": note.pk}, actor=author, client=client)
    return note


@transaction.atomic
def update_note(*, note: Note, actor=None, body: str | None = None, is_pinned: bool | None = None) -> Note:
    if body is not None:
        body = body.strip()
        if not body:
            raise ClientError(_("Write something first."), field="body")
        if len(body) > 10000:
            raise ClientError(_("Keep a note under 10,000 characters."), field="body")
        note.body = body
    if is_pinned is not None:
        note.is_pinned = is_pinned
    note.save()
    return note


@transaction.atomic
def delete_note(*, note: Note, actor=None) -> None:
    note.delete()
