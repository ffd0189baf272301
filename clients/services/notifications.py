"""Emails and push notifications to clients and coaches, sent through the platform's
sending mechanism.

All are rendered in the worker when they are due (composers), so a request revoked or a
message read in the meantime sends nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mecto import comms
from mecto.comms.preferences import preference_url, unsubscribe_headers

from ..models import IntakeRequest, Message, ThreadRead

__all__ = ["INTAKE_TOPIC", "MESSAGES_TOPIC"]

INTAKE_TOPIC = "intake"
MESSAGES_TOPIC = "messages"
comms.register_topic(INTAKE_TOPIC, gettext_lazy("Intake forms"))
comms.register_topic(MESSAGES_TOPIC, gettext_lazy("New message alerts"), can_opt_out=True)


@comms.register_composer("clients.intake_request")
def compose_intake_request(message) -> comms.Composed | None:
    """The intake link, unless the request was completed or revoked meanwhile. (The link is in
    the message: the token itself is only stored hashed.)"""
    intake_request = (
        IntakeRequest.objects.select_related("organization", "client", "form", "sent_by")
        .filter(pk=message.context.get("request_id"))
        .first()
    )
    if intake_request is None or not intake_request.is_open or not intake_request.client.email:
        return None
    subject, text, html = comms.render_email(
        "intake_request",
        {"intake_request": intake_request, "client": intake_request.client, "url": message.context["url"]},
        intake_request.organization,
    )
    return comms.Composed(subject=subject, text=text, html=html, to=intake_request.client.email)


def _unread_batch(message):
    """(recipient, messages, latest, url) of a "new message" row, or None when the recipient
    is gone or read the conversation meanwhile."""
    from accounts.models import User

    recipient = User.objects.filter(pk=message.context.get("recipient_id"), is_active=True).first()
    messages = list(
        Message.objects.filter(pk__in=message.context.get("message_ids") or [])
        .select_related("client", "organization", "sender", "thread")
        .order_by("created_at", "id")
    )
    if recipient is None or not messages:
        return None
    latest = messages[-1]
    read_at = (
        ThreadRead.objects.filter(thread=latest.thread, user=recipient).values_list("last_read_at", flat=True).first()
    )
    if read_at is not None and read_at >= latest.created_at:
        return None  # read meanwhile: no need to tell them
    if latest.from_client:
        path = reverse("clients:messages", args=[latest.client_id])
    else:
        path = reverse("clients:portal_messages")
    url = f"{settings.SITE_URL}{path}?thread={latest.thread.public_id}"
    return recipient, messages, latest, url


def _sender_name(latest) -> str:
    return str(latest.sender) if latest.sender_id else latest.organization.name


@comms.register_composer("clients.new_message")
def compose_new_message(message) -> comms.Composed | None:
    """The "new message" email: who wrote, how many, the latest text, and where to read it;
    nothing if the recipient read the conversation meanwhile."""
    batch = _unread_batch(message)
    if batch is None:
        return None
    recipient, messages, latest, url = batch
    preferences = preference_url(
        organization=latest.organization, channel="email", address=recipient.email, topic=MESSAGES_TOPIC
    )
    subject, text, html = comms.render_email(
        "new_message",
        {
            "recipient": recipient,
            "sender_name": _sender_name(latest),
            "client": latest.client,
            "count": len(messages),
            "latest": latest,
            "url": url,
            "preferences_url": preferences,
        },
        latest.organization,
    )
    return comms.Composed(subject=subject, text=text, html=html, headers=unsubscribe_headers(preferences))


@comms.register_composer("clients.new_message_push")
def compose_new_message_push(message) -> comms.Composed | None:
    """The "new message" notification: the sender, the latest text (or that a file came), the
    conversation to open; a newer one for the same conversation replaces it on the device."""
    batch = _unread_batch(message)
    if batch is None:
        return None
    _recipient, messages, latest, url = batch
    text = latest.body.strip() or _("Sent a file: %(name)s") % {"name": latest.attachment_name or _("attachment")}
    if len(messages) > 1:
        text = ngettext("%(count)d new message: %(text)s", "%(count)d new messages: %(text)s", len(messages)) % {
            "count": len(messages),
            "text": text,
        }
    return comms.Composed(
        subject=_sender_name(latest), text=text, data={"url": url, "tag": f"thread-{latest.thread.public_id}"}
    )
