"""Emails to clients and coaches, sent through the platform's sending mechanism.

Both are rendered in the worker when they are due (composers), so a request revoked or a
message read in the meantime sends nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mecto import comms
from mecto.comms.preferences import preference_url, unsubscribe_headers

from ..models import IntakeRequest, Message, ThreadRead

__all__ = ["INTAKE_TOPIC", "MESSAGES_TOPIC"]

INTAKE_TOPIC = "intake"
MESSAGES_TOPIC = "messages"
comms.register_topic(INTAKE_TOPIC, _("Intake forms"))
comms.register_topic(MESSAGES_TOPIC, _("New message alerts"), can_opt_out=True)


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


@comms.register_composer("clients.new_message")
def compose_new_message(message) -> comms.Composed | None:
    """The "new message" email: who wrote, how many, the latest text, and where to read it;
    nothing if the recipient read the conversation meanwhile."""
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
    preferences = preference_url(
        organization=latest.organization, channel="email", address=recipient.email, topic=MESSAGES_TOPIC
    )
    subject, text, html = comms.render_email(
        "new_message",
        {
            "recipient": recipient,
            "sender_name": str(latest.sender) if latest.sender_id else latest.organization.name,
            "client": latest.client,
            "count": len(messages),
            "latest": latest,
            "url": url,
            "preferences_url": preferences,
        },
        latest.organization,
    )
    return comms.Composed(subject=subject, text=text, html=html, headers=unsubscribe_headers(preferences))
