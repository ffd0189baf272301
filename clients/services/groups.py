"""Group threads: a coach creates a group of selected clients; members and coaches post and
react; coaches remove posts and mute members. Clients outside a group never reach it."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mecto.errors import DomainError
from mecto.events import emit, register_event_type

from ..models import Client, Group, GroupMember, GroupPost, Reaction
from .messaging import _is_member

__all__ = [
    "GroupError",
    "create_group",
    "update_group",
    "add_group_members",
    "remove_group_member",
    "join_group",
    "leave_group",
    "set_member_muted",
    "post_to_group",
    "remove_group_post",
    "add_reaction",
    "remove_reaction",
    "MAX_POST",
]

register_event_type("group.posted", _("Someone posted in a group thread"))

MAX_POST = 3000


class GroupError(DomainError):
    pass


def _check_coach(user, organization) -> None:
    if user is None or not _is_member(user, organization):
        raise GroupError(_("Only the business's coaches can do this."))


def _membership(group: Group, user) -> GroupMember | None:
    """The user's membership of the group when they write as a client of it."""
    if user is None:
        return None
    return GroupMember.objects.filter(group=group, client__user=user).select_related("client").first()


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise GroupError(_("Give the group a name."), field="name")
    if len(name) > 80:
        raise GroupError(_("Keep the name under 80 characters."), field="name")
    return name


def _check_clients(organization, clients) -> list[Client]:
    clients = list({c.pk: c for c in clients}.values())
    if any(c.organization_id != organization.pk for c in clients):
        raise GroupError(_("Choose clients of this business."), field="clients")
    return clients


@transaction.atomic
def create_group(*, organization, name: str, actor, clients=(), description: str = "") -> Group:
    _check_coach(actor, organization)
    group = Group.objects.create(
        organization=organization,
        name=_clean_name(name),
        description=(description or "").strip()[:300],
        created_by=actor,
    )
    add_group_members(group=group, clients=clients, actor=actor)
    return group


@transaction.atomic
def update_group(*, group: Group, actor, name: str, description: str = "", is_archived: bool = False) -> Group:
    _check_coach(actor, group.organization)
    group.name = _clean_name(name)
    group.description = (description or "").strip()[:300]
    group.is_archived = bool(is_archived)
    group.save(update_fields=["name", "description", "is_archived"])
    return group


@transaction.atomic
def add_group_members(*, group: Group, clients, actor) -> int:
    """Add clients to the group (those already in it stay as they are); the number added."""
    _check_coach(actor, group.organization)
    clients = _check_clients(group.organization, clients)
    present = set(GroupMember.objects.filter(group=group).values_list("client_id", flat=True))
    new = [GroupMember(organization=group.organization, group=group, client=c) for c in clients if c.pk not in present]
    GroupMember.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def remove_group_member(*, group: Group, client: Client, actor) -> None:
    _check_coach(actor, group.organization)
    GroupMember.objects.filter(group=group, client=client).delete()


@transaction.atomic
def join_group(*, group: Group, client: Client) -> bool:
    """Put a client in a group on the business's behalf (a product they bought grants it):
    True when they joined now, False when they were already a member."""
    _check_clients(group.organization, [client])
    if group.is_archived:
        raise GroupError(_("This group is archived."), field="group")
    try:
        with transaction.atomic():
            _member, created = GroupMember.objects.get_or_create(
                group=group, client=client, defaults={"organization": group.organization}
            )
    except IntegrityError:
        return False
    return created


@transaction.atomic
def leave_group(*, group: Group, client: Client) -> bool:
    """Take a client out of a group on the business's behalf; True when they were in it."""
    deleted, _rows = GroupMember.objects.filter(group=group, client=client).delete()
    return bool(deleted)


@transaction.atomic
def set_member_muted(*, member: GroupMember, muted: bool, actor) -> GroupMember:
    """A muted member still reads the group but can neither post nor react."""
    _check_coach(actor, member.organization)
    member.is_muted = bool(muted)
    member.save(update_fields=["is_muted"])
    return member


def _check_writer(group: Group, user) -> Client | None:
    """The client a member writes as (None for a coach); refuses outsiders and muted members."""
    if user is not None and _is_member(user, group.organization):
        return None
    membership = _membership(group, user)
    if membership is None:
        raise GroupError(_("Only the group's members and the business's coaches can write here."))
    if membership.is_muted:
        raise GroupError(_("A coach has muted you in this group."))
    return membership.client


@transaction.atomic
def post_to_group(*, group: Group, author, body: str) -> GroupPost:
    client = _check_writer(group, author)
    if group.is_archived:
        raise GroupError(_("This group is archived: it takes no new posts."))
    body = (body or "").strip()
    if not body:
        raise GroupError(_("Write something to post."), field="body")
    if len(body) > MAX_POST:
        raise GroupError(_("Keep a post under %(n)d characters.") % {"n": MAX_POST}, field="body")
    post = GroupPost.objects.create(
        organization=group.organization, group=group, author=author, client=client, body=body
    )
    Group.objects.filter(pk=group.pk).update(last_post_at=post.created_at)
    group.last_post_at = post.created_at
    emit(
        group.organization,
        "group.posted",
        {"group_id": group.pk, "post_id": post.pk, "from_client": client is not None},
        actor=author,
        client=client,
    )
    return post


@transaction.atomic
def remove_group_post(*, post: GroupPost, actor, by_staff: bool = False) -> GroupPost:
    """Moderation: the post disappears for members; it stays in the back office (whose
    staff, `by_staff`, may remove posts of any business)."""
    if not by_staff:
        _check_coach(actor, post.organization)
    if post.removed_at is None:
        post.removed_at, post.removed_by = timezone.now(), actor
        post.save(update_fields=["removed_at", "removed_by"])
    return post


def _check_kind(kind: str) -> str:
    if kind not in Reaction.Kind.values:
        raise GroupError(_("Choose one of the offered reactions."), field="kind")
    return kind


def _check_reactable(post: GroupPost, user) -> None:
    if post.removed_at is not None:
        raise GroupError(_("This post was removed."))
    _check_writer(post.group, user)


@transaction.atomic
def add_reaction(*, post: GroupPost, user, kind: str) -> Reaction:
    """React to a post; reacting the same way twice keeps one reaction."""
    kind = _check_kind(kind)
    _check_reactable(post, user)
    existing = Reaction.objects.filter(post=post, user=user, kind=kind).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Reaction.objects.create(organization=post.organization, post=post, user=user, kind=kind)
    except IntegrityError:  # the same reaction from another tab at the same moment
        return Reaction.objects.get(post=post, user=user, kind=kind)


@transaction.atomic
def remove_reaction(*, post: GroupPost, user, kind: str) -> None:
    kind = _check_kind(kind)
    _check_reactable(post, user)
    Reaction.objects.filter(post=post, user=user, kind=kind).delete()
