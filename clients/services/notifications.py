"""Emails to clients and coaches; each is sent by a task after the change is committed."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from mecto.email import send_templated_email

from ..models import IntakeRequest

__all__ = ["deliver_intake_request_email"]


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
