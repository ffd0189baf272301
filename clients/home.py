"""The client record's parts of the client's home (`mecto.portal_home`): check-ins to fill in,
the check-ins of each day of a month, and the week's average steps and sleep from the phone."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Avg, Count, Q
from django.urls import reverse

from mecto.portal_home import DayEvent, Moment

from . import selectors
from .models import HealthDay, HealthKind
from .models_checkins import CheckIn, CheckInSchedule
from .selectors_health import display_value


def checkins_today(client, moment: Moment) -> dict:
    """Check-ins to fill in now (oldest first), or when the next one falls due."""
    due = [
        {
            "public_id": c.public_id,
            "name": c.form.name,
            "due_at": c.due_at,
            "is_overdue": c.is_overdue(moment.now),
            "url": reverse("clients:portal_checkin", args=[c.public_id]),
        }
        for c in selectors.open_checkins(client=client)[:5]
    ]
    next_due_at = None
    if not due:
        next_due_at = (
            CheckInSchedule.objects.for_org(client.organization)
            .filter(client=client, is_active=True, next_due_at__isnull=False)
            .order_by("next_due_at")
            .values_list("next_due_at", flat=True)
            .first()
        )
    return {"due": due, "next_due_at": next_due_at, "url": reverse("clients:portal_checkins")}


def checkins_history(client, start: date, end: date, moment: Moment) -> list[DayEvent]:
    """Sent check-ins on the day they were sent; the others on the day they fell due."""
    begin, finish = moment.start_of(start), moment.start_of(end + timedelta(days=1))
    rows = (
        CheckIn.objects.for_org(client.organization)
        .filter(client=client)
        .filter(
            Q(submitted_at__gte=begin, submitted_at__lt=finish)
            | Q(submitted_at__isnull=True, due_at__gte=begin, due_at__lt=finish)
        )
        .select_related("form")
        .order_by("due_at", "id")
    )
    events = []
    for c in rows:
        at = c.submitted_at or c.due_at
        if c.submitted_at:
            status, label = "done", c.get_status_display()
        elif c.missed_at:
            status, label = "missed", c.get_status_display()
        else:
            status, label = "due", c.get_status_display()
        events.append(
            DayEvent(
                day=moment.local_date(at),
                kind="checkin",
                title=c.form.name,
                status=status,
                status_label=str(label),
                at=at,
                url=reverse("clients:portal_checkin", args=[c.public_id])
                if c.status == CheckIn.Status.DUE
                else reverse("clients:portal_checkins"),
            )
        )
    return events


def health_week(client, moment: Moment) -> dict:
    """Average daily steps and sleep (hours) this week so far, from days the phone sent."""
    rows = (
        HealthDay.objects.for_org(client.organization)
        .filter(
            client=client,
            kind__in=[HealthKind.STEPS, HealthKind.SLEEP],
            day__gte=moment.week_start,
            day__lte=moment.today,
        )
        .values("kind")
        .annotate(average=Avg("value"), days=Count("id"))
        .order_by("kind")
    )
    figures = {row["kind"]: row for row in rows}
    steps, sleep = figures.get(HealthKind.STEPS), figures.get(HealthKind.SLEEP)
    return {
        "average_steps": display_value(HealthKind.STEPS, steps["average"], client.unit_system) if steps else None,
        "average_sleep_hours": display_value(HealthKind.SLEEP, sleep["average"], client.unit_system) if sleep else None,
    }
