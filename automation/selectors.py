"""Reads of the automation app."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import CoachAlert


def coach_alerts(*, organization, user) -> QuerySet[CoachAlert]:
    """The alerts of one coach in one business, newest first."""
    return (
        CoachAlert.objects.for_org(organization)
        .filter(recipient=user)
        .select_related("client")
        .order_by("-created_at", "-id")
    )
