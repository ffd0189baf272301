"""The coach alert email, rendered in the worker when it is sent (a composer): an alert
whose coach turned that email off meanwhile, or left the business, sends nothing."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from accounts.models import Membership
from mecto import comms

from .models import CoachAlert
from .services import alert_preferences


@comms.register_composer("automation.coach_alert")
def compose_coach_alert(message) -> comms.Composed | None:
    alert = (
        CoachAlert.objects.select_related("organization", "recipient", "client")
        .filter(pk=message.context.get("alert_id"))
        .first()
    )
    if alert is None or not alert.recipient.is_active:
        return None
    organization = alert.organization
    if not Membership.objects.filter(organization=organization, user=alert.recipient, is_active=True).exists():
        return None
    if not alert_preferences(organization=organization, user=alert.recipient).wants_email(alert.kind):
        return None
    subject, text, html = comms.render_email(
        "coach_alert",
        {
            "alert": alert,
            "recipient": alert.recipient,
            "url": settings.SITE_URL + alert.path if alert.path else settings.SITE_URL,
            "settings_url": settings.SITE_URL + reverse("automation:alert_preferences"),
        },
        organization,
    )
    return comms.Composed(subject=subject, text=text, html=html, to=alert.recipient.email)
