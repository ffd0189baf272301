"""The coach dashboard's "Recent activity" card: the signed-in coach's unread alerts."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mecto.dashboard import Card

from .selectors import coach_alerts
from .views import request_unread_count

SHOWN = 5


def recent_activity_card(request, scope):
    """Alerts are addressed to the signed-in coach, so every scope shows the same ones."""
    tenant = request.tenant
    if not tenant.is_member:
        return None
    alerts = list(coach_alerts(organization=tenant.organization, user=request.user, unread=True)[:SHOWN])
    unread = request_unread_count(request) if len(alerts) == SHOWN else len(alerts)
    return Card(
        title=_("Recent activity"),
        body=ngettext("%(count)d unread alert.", "%(count)d unread alerts.", unread) % {"count": unread}
        if alerts
        else _(
            "Nothing new. You are told here when an intake form arrives or a session is booked, moved or cancelled."
        ),
        rows=[" · ".join(part for part in (a.title, a.detail) if part) for a in alerts],
        url=reverse("automation:alerts") + ("?show=unread" if alerts else ""),
        action=_("Open your alerts"),
        order=5,
    )
