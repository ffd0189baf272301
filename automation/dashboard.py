"""The coach dashboard's "Recent activity" card: the latest alerts for the signed-in coach."""

from django.urls import reverse
from django.utils.translation import gettext as _

from mecto.dashboard import Card

from .selectors import coach_alerts

SHOWN = 5


def recent_activity_card(request, scope):
    """Alerts are addressed to the signed-in coach, so every scope shows the same ones."""
    tenant = request.tenant
    if not tenant.is_member:
        return None
    alerts = list(coach_alerts(organization=tenant.organization, user=request.user)[:SHOWN])
    return Card(
        title=_("Recent activity"),
        body=""
        if alerts
        else _(
            "Nothing new. You are told here when an intake form arrives or a session is booked, moved or cancelled."
        ),
        rows=[" · ".join(part for part in (a.title, a.detail) if part) for a in alerts],
        url=reverse("automation:alert_preferences"),
        action=_("All alerts and email settings"),
        order=5,
    )
