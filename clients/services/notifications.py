"""Emails to clients and coaches; each is sent by a task after the change is committed."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from mecto.email import send_templated_email

from ..models import IntakeRequest

__all__ = ["deliver_intake_request_email", "deliver_message_email"]


def deliver_intake_request_email(*, request_id: int) -> bool:
    """Email the intake link to the client, unless it was completed or revoked meanwhile."""
    intake_request = (
        IntakeRequest.objects.select_related("organization", "client", "form", "sent_by").filter(pk=request_id).first()
    )
    if intake_request is None or not intake_request.is_open or not intake_request.client.email:
        return False
    url = settings.SITE_URL + reverse("clients:intake_request", args=[intake_request.token])
    send_templated_email(
        to=intake_request.client.email,
        template="intake_request",
        context={"intake_request": intake_request, "client": intake_request.client, "url": url},
        organization=intake_request.organization,
    )
    return True


def deliver_message_email(*, recipient_id: int, message_ids: list[int]) -> bool:
    """The "new message" email: who wrote, how many, the latest text, and where to read it."""
    from accounts.models import User

    from ..models import Message, ThreadRead

    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    messages = list(
        Message.objects.filter(pk__in=message_ids)
        .select_related("client", "organization", "sender", "thread")
        .order_by("created_at", "id")
    )
    if recipient is None or not messages:
        return False
    latest = messages[-1]
    read_at = (
        ThreadRead.objects.filter(thread=latest.thread, user=recipient).values_list("last_read_at", flat=True).first()
    )
    if read_at is not None and read_at >= latest.created_at:
        return False  # read meanwhile: no need to tell them
    if latest.from_client:
        url = (
            settings.SITE_URL
            + reverse("clients:messages", args=[latest.client_id])
            + f"?thread={latest.thread.public_id}"
        )
    else:
        url = settings.SITE_URL + reverse("clients:portal_messages") + f"?thread={latest.thread.public_id}"
    send_templated_email(
        to=recipient.email,
        template="new_message",
        context={
            "recipient": recipient,
            "sender_name": str(latest.sender) if latest.sender_id else latest.organization.name,
            "client": latest.client,
            "count": len(messages),
            "latest": latest,
            "url": url,
        },
        organization=latest.organization,
    )
    return True
