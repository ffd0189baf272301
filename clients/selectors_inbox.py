"""Reads of the coach's inbox: every conversation in one list (unread first, then the
latest), its filters, the client activity shown beside the messages, the cheap "has
anything changed" version the live page polls, the top bar's unread count, and groups."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from mecto.models import Event

from .models import Client, Group, GroupMember, GroupPost, Message, Reaction, Snippet, Thread, ThreadRead

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
UNANSWERED_AFTER = datetime.timedelta(hours=24)

# What a client did that a coach wants to see beside the messages.
ACTIVITY_EVENTS = (
    "workout.completed",
    "pr.achieved",
    "checkin.submitted",
    "progress.logged",
    "photo.uploaded",
    "intake.submitted",
)


# --- Filters -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class InboxFilter:
    key: str
    label: str
    apply: Callable[[QuerySet, datetime.datetime], QuerySet]


INBOX_FILTERS: dict[str, InboxFilter] = {}
# Each returns an `Exists(...)` over rows of one conversation (`OuterRef("pk")` is the thread):
# another kind of attachment (a form-check video) registers its own here.
ATTACHMENT_SOURCES: list[Callable[[], Exists]] = []


def register_inbox_filter(key: str, label, apply: Callable[[QuerySet, datetime.datetime], QuerySet]) -> None:
    INBOX_FILTERS[key] = InboxFilter(key, label, apply)


def register_attachment_source(source: Callable[[], Exists]) -> None:
    ATTACHMENT_SOURCES.append(source)


def with_attachments(threads: QuerySet[Thread]) -> QuerySet[Thread]:
    """Conversations with at least one attachment of any registered kind."""
    condition = Q(pk__in=[])
    for source in ATTACHMENT_SOURCES:
        condition |= Q(source())
    return threads.filter(condition)


def unanswered(threads: QuerySet[Thread], now: datetime.datetime) -> QuerySet[Thread]:
    """The client wrote last, more than a day ago, and no coach has replied since."""
    return threads.filter(last_from_client=True, last_message_at__lt=now - UNANSWERED_AFTER)


register_attachment_source(lambda: Exists(Message.objects.filter(thread=OuterRef("pk")).exclude(attachment="")))
register_inbox_filter("unread", _("Unread"), lambda qs, now: qs.filter(unread_count__gt=0))
register_inbox_filter("unanswered", _("Unanswered for over 24 h"), unanswered)
register_inbox_filter("attachments", _("With attachments"), lambda qs, now: with_attachments(qs))


# --- Conversations -------------------------------------------------------------------------------------
def _latest(field: str):
    return Subquery(Message.objects.filter(thread=OuterRef("pk")).order_by("-created_at", "-id").values(field)[:1])


def inbox_threads(
    *, organization, user, coach_id: int | None = None, filter_key: str = "", now=None
) -> QuerySet[Thread]:
    """Every conversation in scope with its unread count and last message: unread first,
    then the most recent; one query however many threads. Each figure is a subquery on one
    conversation's messages (their index), so the list needs no grouping of all messages."""
    read_at = ThreadRead.objects.filter(thread=OuterRef(OuterRef("pk")), user=user).values("last_read_at")[:1]
    unread = (
        Message.objects.filter(thread=OuterRef("pk"), created_at__gt=Coalesce(Subquery(read_at), Value(_EPOCH)))
        .exclude(sender=user)
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = Thread.objects.for_org(organization).select_related("client")
    if coach_id is not None:
        qs = qs.filter(client__coach_id=coach_id)
    qs = qs.annotate(
        unread_count=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
        last_body=_latest("body"),
        last_attachment=_latest("attachment_name"),
        last_from_client=_latest("from_client"),
        has_unread=Case(When(unread_count__gt=0, then=Value(0)), default=Value(1), output_field=IntegerField()),
    )
    inbox_filter = INBOX_FILTERS.get(filter_key)
    if inbox_filter is not None:
        qs = inbox_filter.apply(qs, now or timezone.now())
    return qs.order_by("has_unread", F("last_message_at").desc(nulls_last=True), "-id")


def _scoped_client_ids(organization, coach_id: int | None):
    clients = Client.objects.for_org(organization)
    if coach_id is not None:
        clients = clients.filter(coach_id=coach_id)
    return clients.values("pk")


def client_activity(*, organization, coach_id: int | None = None, client: Client | None = None, limit: int = 20):
    """What clients did lately (workouts, records, check-ins, progress), newest first, each
    event with its client's name; one query."""
    events = Event.objects.for_org(organization).filter(name__in=ACTIVITY_EVENTS)
    if client is not None:
        events = events.filter(client_id=client.pk)
    elif coach_id is not None:
        events = events.filter(client_id__in=_scoped_client_ids(organization, coach_id))
    names = Client.objects.filter(pk=OuterRef("client_id"))
    return events.annotate(
        client_first_name=Subquery(names.values("first_name")[:1]),
        client_last_name=Subquery(names.values("last_name")[:1]),
    ).order_by("-created_at", "-id")[:limit]


def _max(queryset: QuerySet, field: str):
    return Subquery(queryset.order_by().values("organization").annotate(v=Max(field)).values("v")[:1])


def inbox_version(*, organization, user) -> str:
    """A short tag that changes whenever something the inbox shows changes (a message, a
    new conversation, a read marker, client activity, a group post): the live page asks
    with it and gets "nothing new" for one query."""
    row = (
        Organization.objects.filter(pk=organization.pk)
        .values(
            message=_max(Thread.objects.filter(organization=organization), "last_message_at"),
            thread=_max(Thread.objects.filter(organization=organization), "id"),
            read=_max(ThreadRead.objects.filter(organization=organization, user=user), "last_read_at"),
            activity=_max(Event.objects.filter(organization=organization, name__in=ACTIVITY_EVENTS), "id"),
            group=_max(Group.objects.filter(organization=organization), "last_post_at"),
        )
        .first()
        or {}
    )
    raw = "|".join(str(row.get(k)) for k in ("message", "thread", "read", "activity", "group"))
    return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()[:16]


def unread_count(*, organization, user, coach_id: int | None = None) -> int:
    """Messages in scope that `user` has not read (others' messages after their read marker); one query."""
    read_at = ThreadRead.objects.filter(thread=OuterRef("thread"), user=user).values("last_read_at")[:1]
    messages = Message.objects.for_org(organization).exclude(sender=user)
    if coach_id is not None:
        messages = messages.filter(client__coach_id=coach_id)
    return messages.filter(created_at__gt=Coalesce(Subquery(read_at), Value(_EPOCH))).count()


def snippets_for(*, organization, user) -> QuerySet[Snippet]:
    """The business's shared saved replies and the coach's own."""
    return Snippet.objects.for_org(organization).filter(Q(owner__isnull=True) | Q(owner=user))


# --- Groups --------------------------------------------------------------------------------------------
def groups_for(*, organization, client: Client | None = None) -> QuerySet[Group]:
    """The business's groups (or the ones `client` is a member of) with their member count."""
    qs = Group.objects.for_org(organization)
    if client is not None:
        qs = qs.filter(pk__in=GroupMember.objects.filter(client=client).values("group_id"))
    return qs.annotate(member_count=Count("members", distinct=True)).order_by("is_archived", "name", "id")


def group_members(*, group: Group) -> QuerySet[GroupMember]:
    return GroupMember.objects.for_org(group.organization).filter(group=group).select_related("client")


def group_posts(*, group: Group, include_removed: bool = False) -> QuerySet[GroupPost]:
    """Posts of a group, newest first, with author and reactions loaded (three queries for a page)."""
    qs = GroupPost.objects.for_org(group.organization).filter(group=group)
    if not include_removed:
        qs = qs.filter(removed_at__isnull=True)
    return qs.select_related("author", "client").prefetch_related(
        Prefetch("reactions", queryset=Reaction.objects.order_by("kind", "id"))
    )


def reaction_summary(post: GroupPost, user) -> list[dict]:
    """[{kind, label, emoji, count, mine}] for each reaction kind, from the prefetched reactions."""
    counts: dict[str, int] = {}
    mine: set[str] = set()
    for reaction in post.reactions.all():
        counts[reaction.kind] = counts.get(reaction.kind, 0) + 1
        if user is not None and reaction.user_id == user.pk:
            mine.add(reaction.kind)
    return [
        {
            "kind": kind,
            "label": str(label),
            "emoji": Reaction.EMOJI[kind],
            "count": counts.get(kind, 0),
            "mine": kind in mine,
        }
        for kind, label in Reaction.Kind.choices
    ]
