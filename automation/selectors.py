"""Reads of the automation app."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import CoachAlert


def coach_alerts(*, organization, user, unread: bool = False) -> QuerySet[CoachAlert]:
    """The alerts of one coach in one business, newest first; dismissed ones are gone, and
    `unread=True` keeps only those not read yet."""
    alerts = (
        CoachAlert.objects.for_org(organization)
        .filter(recipient=user, dismissed_at__isnull=True)
        .select_related("client")
        .order_by("-created_at", "-id")
    )
    return alerts.filter(read_at__isnull=True) if unread else alerts


def unread_alert_count(*, organization, user) -> int:
    """How many alerts the coach has not read (one query)."""
    return coach_alerts(organization=organization, user=user, unread=True).count()
