"""The coach's inbox: saved replies, and one message sent to several clients (each in
their own conversation, through `send_message`, so each is notified as usual)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from mecto.errors import DomainError

from ..models import Client, Message, Snippet, Thread
from .messaging import MAX_BODY, _is_member, send_message, start_thread

__all__ = ["InboxError", "save_snippet", "delete_snippet", "send_to_clients", "MAX_BULK_RECIPIENTS"]

MAX_BULK_RECIPIENTS = 200


class InboxError(DomainError):
    pass


def _check_member(user, organization) -> None:
    if user is None or not _is_member(user, organization):
        raise InboxError(_("Only the business's coaches can do this."))


@transaction.atomic
def save_snippet(
    *, organization, actor, title: str, body: str, shared: bool = False, snippet: Snippet | None = None
) -> Snippet:
    """Create or change a saved reply: the coach's own, or the business's when `shared`."""
    _check_member(actor, organization)
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise InboxError(_("Give the saved reply a title."), field="title")
    if len(title) > 80:
        raise InboxError(_("Keep the title under 80 characters."), field="title")
    if not body:
        raise InboxError(_("Write the text of the saved reply."), field="body")
    if len(body) > 2000:
        raise InboxError(_("Keep a saved reply under 2000 characters."), field="body")
    snippet = snippet or Snippet(organization=organization)
    snippet.title, snippet.body = title, body
    snippet.owner = None if shared else actor
    snippet.save()
    return snippet


@transaction.atomic
def delete_snippet(*, snippet: Snippet, actor) -> None:
    _check_member(actor, snippet.organization)
    snippet.delete()


@transaction.atomic
def send_to_clients(*, organization, clients, sender, body: str, subject: str = "") -> list[Message]:
    """The same message to each client, in that client's latest conversation (or a new one
    with `subject`): separate threads, so each reply comes back to the coach alone."""
    _check_member(sender, organization)
    recipients = list({c.pk: c for c in clients}.values())
    if not recipients:
        raise InboxError(_("Choose at least one client."), field="clients")
    if len(recipients) > MAX_BULK_RECIPIENTS:
        raise InboxError(_("Send to at most %(n)d clients at once.") % {"n": MAX_BULK_RECIPIENTS}, field="clients")
    if any(c.organization_id != organization.pk for c in recipients):
        raise InboxError(_("Choose clients of this business."), field="clients")
    body = (body or "").strip()
    if not body:
        raise InboxError(_("Write the message."), field="body")
    if len(body) > MAX_BODY:
        raise InboxError(_("Keep a message under %(n)d characters.") % {"n": MAX_BODY}, field="body")
    latest = {}
    for thread in (
        Thread.objects.for_org(organization)
        .filter(client__in=recipients)
        .select_related("client")
        .order_by("client_id", "-last_message_at", "-id")
    ):
        latest.setdefault(thread.client_id, thread)
    sent = []
    for client in sorted(recipients, key=lambda c: c.pk):
        thread = latest.get(client.pk) or start_thread(client=client, subject=subject, actor=sender)
        sent.append(send_message(thread=thread, sender=sender, body=body))
    return sent


def clients_by_ids(*, organization, ids) -> list[Client]:
    """The business's clients among `ids` (others' ids are left out, never reached)."""
    return list(Client.objects.for_org(organization).filter(pk__in=[int(i) for i in ids if str(i).isdigit()]))
