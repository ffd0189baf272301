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


def tasks_card(request, scope):
    """The signed-in coach's open tasks due today or overdue (their own, whatever the scope)."""
    from django.utils.formats import date_format
    from django.utils.timezone import localtime

    from .tasks_service import due_tasks
    from .views_tasks import request_due_task_count

    tenant = request.tenant
    if not tenant.is_member:
        return None
    count = request_due_task_count(request)  # shared with the nav's count
    tasks = list(due_tasks(organization=tenant.organization, assignee=request.user)[:SHOWN]) if count else []
    return Card(
        title=_("Tasks"),
        value=str(count) if tasks else "",
        body=ngettext("%(count)d task due today or overdue.", "%(count)d tasks due today or overdue.", count)
        % {"count": count}
        if tasks
        else _("Nothing due today. Add a task to remember a call or a check-in."),
        rows=[
            " · ".join(
                part
                for part in (
                    t.title,
                    t.client.full_name if t.client else "",
                    date_format(localtime(t.due_at), "SHORT_DATETIME_FORMAT"),
                )
                if part
            )
            for t in tasks
        ],
        url=reverse("automation:tasks"),
        action=_("Open your tasks"),
        order=6,
    )


def client_tasks_section(request, client):
    """The client page's "Tasks" section: the client's open tasks and "Add task"."""
    from .tasks_service import due_by_end_of_today, open_tasks

    if not request.tenant.is_member:
        return None
    from django.utils import timezone

    tasks = list(open_tasks(organization=request.tenant.organization, client=client)[:10])
    return (
        "automation/_client_tasks.html",
        {"client_tasks": tasks, "due_before": due_by_end_of_today(), "now": timezone.now()},
    )
