"""Messaging between a client and their business's coaches: threads, messages, read markers,
and the "new message" email and push notification sent when a message stays unread for a while."""

from __future__ import annotations

import mimetypes
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership
from mecto import comms
from mecto.comms.models import OutboundMessage
from mecto.errors import DomainError
from mecto.events import emit, register_event_type
from mecto.images import ImageError, clean_image

from ..models import Client, Message, Thread, ThreadRead
from .notifications import MESSAGES_TOPIC

__all__ = [
    "MessagingError",
    "start_thread",
    "send_message",
    "mark_thread_read",
    "send_unread_message_emails",
    "unread_email_delay",
    "MAX_ATTACHMENT_BYTES",
]

register_event_type("message.sent", gettext_lazy("A message was sent between a client and a coach"))

MAX_BODY = 5000
MESSAGE_PUSH_TTL = 6 * 3600  # a device offline longer hears of it by email
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}
DOCUMENT_TYPES = {"application/pdf": b"%PDF-"}


class MessagingError(DomainError):
    pass


def unread_email_delay() -> timedelta:
    """How long a message may stay unread before its recipient gets an email."""
    return timedelta(seconds=getattr(settings, "CLIENT_MESSAGE_EMAIL_DELAY", 900))


def _is_member(user, organization) -> bool:
    return Membership.objects.filter(organization=organization, user=user, is_active=True).exists()


def _check_participant(client: Client, user) -> bool:
    """True when `user` writes as the client, False as a coach; refuses anyone else."""
    if client.user_id and user is not None and client.user_id == user.pk:
        return True
    if user is not None and _is_member(user, client.organization):
        return False
    raise MessagingError(_("Only the client and their coaches can write here."))


@transaction.atomic
def start_thread(*, client: Client, subject: str = "", actor=None) -> Thread:
    _check_participant(client, actor)
    return Thread.objects.create(
        organization=client.organization, client=client, subject=(subject or "").strip()[:120], created_by=actor
    )


def _clean_attachment(upload) -> tuple[bytes, str, str]:
    """(bytes to store, file name, content type). Photos are re-encoded like progress photos;
    PDFs are accepted when they are PDFs. Anything else is refused."""
    size = getattr(upload, "size", 0) or 0
    if size > MAX_ATTACHMENT_BYTES:
        raise MessagingError(_("Attachments can be at most 10 MB."), field="attachment")
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:100]
    guessed = mimetypes.guess_type(name)[0] or ""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if guessed in DOCUMENT_TYPES or head.startswith(b"%PDF-"):
        data = upload.read(MAX_ATTACHMENT_BYTES + 1)
        if not data.startswith(b"%PDF-") or len(data) > MAX_ATTACHMENT_BYTES:
            raise MessagingError(_("This file is not a PDF."), field="attachment")
        base = name.rsplit(".", 1)[0] or "document"
        return data, f"{base}.pdf", "application/pdf"
    try:
        clean = clean_image(upload, field="attachment")
    except ImageError as exc:
        raise MessagingError(
            _("Attach a photo (JPEG, PNG, WebP, HEIC) or a PDF. %(reason)s") % {"reason": exc.message},
            field="attachment",
        ) from exc
    base = name.rsplit(".", 1)[0] or "photo"
    return clean.full, f"{base}.jpg", "image/jpeg"


@transaction.atomic
def send_message(*, thread: Thread, sender, body: str = "", attachment=None, video=None, poster=None) -> Message:
    """Add a message to a conversation; the sender has read everything up to it. A `video`
    (a form-check clip, with the `poster` frame the browser drew) is checked before anything
    is written."""
    from .media import check_form_check_video, store_form_check_video

    client = thread.client
    from_client = _check_participant(client, sender)
    body = (body or "").strip()
    if not body and attachment is None and video is None:
        raise MessagingError(_("Write a message or attach a file."), field="body")
    checked_video = check_form_check_video(file=video, poster=poster) if video is not None else None
    if len(body) > MAX_BODY:
        raise MessagingError(_("Keep a message under %(n)d characters.") % {"n": MAX_BODY}, field="body")
    message = Message(
        organization=thread.organization,
        thread=thread,
        client=client,
        sender=sender,
        from_client=from_client,
        body=body,
    )
    if attachment is not None:
        data, name, content_type = _clean_attachment(attachment)
        message.attachment.save(name, ContentFile(data), save=False)
        message.attachment_name, message.attachment_type, message.attachment_size = name, content_type, len(data)
    message.save()
    if checked_video is not None:
        store_form_check_video(client=client, checked=checked_video, actor=sender, message=message)
    Thread.objects.filter(pk=thread.pk).update(last_message_at=message.created_at)
    thread.last_message_at = message.created_at
    _mark_read(thread, sender, message.created_at)
    emit(
        thread.organization,
        "message.sent",
        {"client_id": client.pk, "thread_id": thread.pk, "message_id": message.pk, "from_client": from_client},
        actor=sender,
        client=client,
    )
    return message


def _mark_read(thread: Thread, user, when) -> None:
    updated = ThreadRead.objects.filter(thread=thread, user=user, last_read_at__lt=when).update(last_read_at=when)
    if not updated and not ThreadRead.objects.filter(thread=thread, user=user).exists():
        try:
            with transaction.atomic():
                ThreadRead.objects.create(organization=thread.organization, thread=thread, user=user, last_read_at=when)
        except IntegrityError:  # read at the same moment in another tab
            ThreadRead.objects.filter(thread=thread, user=user, last_read_at__lt=when).update(last_read_at=when)


@transaction.atomic
def mark_thread_read(*, thread: Thread, user) -> None:
    """Everything in the conversation so far is read by `user`."""
    _check_participant(thread.client, user)
    latest = thread.messages.order_by("-created_at").values_list("created_at", flat=True).first()
    if latest is not None:
        _mark_read(thread, user, latest)


def _recipients(message: Message) -> list:
    """Who should hear about a message: the client for a coach's message; for the client's,
    their coach, or every owner and coach when nobody is assigned."""
    client = message.client
    if not message.from_client:
        return [client.user] if client.user_id and client.user.is_active else []
    if client.coach_id and _is_member(client.coach, client.organization):
        return [client.coach]
    members = Membership.objects.filter(
        organization=client.organization, is_active=True, role__in=[Membership.Role.OWNER, Membership.Role.COACH]
    ).select_related("user")
    return [m.user for m in members if m.user.is_active]


def _emailed_up_to(thread_ids, since) -> dict[tuple[int, int], int]:
    """(thread, recipient) -> the newest message id an earlier "new message" email covered."""
    rows = OutboundMessage.objects.filter(
        topic=MESSAGES_TOPIC, created_at__gte=since, context__thread_id__in=list(thread_ids)
    ).values_list("context", flat=True)
    covered: dict[tuple[int, int], int] = {}
    for context in rows:
        pair = (context["thread_id"], context["recipient_id"])
        covered[pair] = max(covered.get(pair, 0), context["last_message_id"])
    return covered


def send_unread_message_emails(*, now=None) -> int:
    """Email each recipient about messages still unread after the delay, once per message.

    One email per recipient and conversation, however many messages waited. Runs every
    minute from beat. Each email is a message row that names the newest message it covers;
    the conversation is locked while the row is written, so two sweeps never cover a
    message twice."""
    now = now or timezone.now()
    delay = unread_email_delay()
    window_start = now - delay - timedelta(days=2)  # older messages were handled or are stale
    candidates = list(
        Message.objects.filter(created_at__lte=now - delay, created_at__gte=window_start)
        .select_related("client__user", "client__coach", "client__organization", "thread", "sender")
        .order_by("created_at", "id")
    )
    reads = {
        (thread_id, user_id): read_at
        for thread_id, user_id, read_at in ThreadRead.objects.filter(
            thread_id__in={m.thread_id for m in candidates}
        ).values_list("thread_id", "user_id", "last_read_at")
    }
    batches: dict[tuple[int, int], list[Message]] = {}
    recipients: dict[int, object] = {}
    for message in candidates:
        for recipient in _recipients(message):
            if recipient.pk == message.sender_id:
                continue
            read_at = reads.get((message.thread_id, recipient.pk))
            if read_at is not None and read_at >= message.created_at:
                continue
            recipients[recipient.pk] = recipient
            batches.setdefault((message.thread_id, recipient.pk), []).append(message)
    sent = 0
    for (thread_id, recipient_id), items in batches.items():
        with transaction.atomic():
            Thread.objects.select_for_update().filter(pk=thread_id).first()
            covered = _emailed_up_to([thread_id], window_start).get((thread_id, recipient_id), 0)
            fresh = [m for m in items if m.pk > covered]
            if not fresh:
                continue
            recipient, latest = recipients[recipient_id], fresh[-1]
            key = f"new-message:{recipient_id}:{thread_id}:{latest.pk}"
            params = {
                "thread_id": thread_id,
                "recipient_id": recipient_id,
                "message_ids": [m.pk for m in fresh],
                "last_message_id": latest.pk,
            }
            comms.queue_email(
                organization=latest.organization,
                to=recipient.email,
                topic=MESSAGES_TOPIC,
                key=key,
                composer="clients.new_message",
                params=params,
                client_id=latest.client_id,
            )
            # The same news on each device the recipient turned notifications on.
            comms.queue_push(
                organization=latest.organization,
                user_id=recipient_id,
                topic=MESSAGES_TOPIC,
                key=key,
                composer="clients.new_message_push",
                params=params,
                ttl=MESSAGE_PUSH_TTL,
                client_id=latest.client_id,
            )
            sent += 1
    return sent
