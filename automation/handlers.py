"""Coach alerts from the domain events: an intake arrives, a session is booked, moved or
cancelled. The outbox runs each handler once per event; `alert_coaches` makes a second run
a no-op as well."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Membership
from booking import selectors as booking_selectors
from clients.models import Client
from mecto.events import subscribe
from mecto.localization import format_date, format_time

from .models import AlertKind
from .services import alert_coaches


def _active_member(user, organization) -> bool:
    return Membership.objects.filter(organization=organization, user=user, is_active=True).exists()


def _client_coaches(client: Client) -> list:
    """The client's coach, or every owner and coach when nobody is assigned."""
    if client.coach_id and _active_member(client.coach, client.organization):
        return [client.coach]
    members = Membership.objects.filter(
        organization=client.organization, is_active=True, role__in=[Membership.Role.OWNER, Membership.Role.COACH]
    ).select_related("user")
    return [m.user for m in members]


def _not_the_actor(users, event) -> list:
    """Nobody is alerted about what they did themselves."""
    return [u for u in users if u.pk != event.actor_id]


def _when(at: datetime, zone: str) -> str:
    local = at.astimezone(ZoneInfo(zone))
    return f"{format_date(local, 'WEEKDAY_DATE_FORMAT')}, {format_time(local)} ({zone})"


@subscribe("intake.submitted", name="automation.alert_coach_of_intake")
def alert_of_intake(event) -> None:
    client = (
        Client.objects.for_org(event.organization)
        .select_related("coach")
        .filter(pk=event.payload.get("client_id"))
        .first()
    )
    if client is None:
        return
    payload = event.payload
    notes = []
    if payload.get("new_lead"):
        notes.append(_("New lead."))
    if payload.get("needs_medical_clearance"):
        notes.append(_("Medical clearance needed."))
    if payload.get("review") == "pending":
        notes.append(_("Sent from the public link: check the answers and accept them."))
    alert_coaches(
        event=event,
        kind=AlertKind.INTAKE,
        recipients=_not_the_actor(_client_coaches(client), event),
        client=client,
        title=_("%(name)s sent their intake form") % {"name": client.full_name},
        detail=" ".join(notes),
        path=reverse("clients:intake", args=[client.pk]),
    )


_BOOKING_KINDS = {
    "booking.created": AlertKind.BOOKED,
    "booking.confirmed": AlertKind.BOOKED,  # a booking that waited for its payment
    "booking.rescheduled": AlertKind.MOVED,
    "booking.cancelled": AlertKind.CANCELLED,
}


@subscribe("booking.*", name="automation.alert_coach_of_booking")
def alert_of_booking(event) -> None:
    kind = _BOOKING_KINDS.get(event.name)
    if kind is None:
        return
    payload = event.payload
    if event.name == "booking.created" and payload.get("status") == "pending_payment":
        return  # told when it is paid (booking.confirmed); an unpaid hold may never become a session
    if event.name == "booking.cancelled" and payload.get("by") == "system":
        return  # an unpaid hold released: the coach was never told about it
    organization = event.organization
    booking = (
        booking_selectors.booking_list(organization=organization).filter(pk=event.payload.get("booking_id")).first()
    )
    if booking is None:
        return
    session = booking.session
    coach = session.coach
    profile = booking_selectors.coach_profile(organization=organization, user=coach)
    zone = (profile.time_zone if profile else "") or organization.time_zone
    names = {"client": booking.client.full_name, "service": session.service.name}
    when = _when(session.start_at, zone)
    if kind == AlertKind.BOOKED:
        title = _("%(client)s booked %(service)s") % names
        detail = when
    elif kind == AlertKind.MOVED:
        title = _("%(client)s's %(service)s moved") % names
        previous = payload.get("previous_start_at")
        detail = (
            _("From %(old)s to %(new)s") % {"old": _when(datetime.fromisoformat(previous), zone), "new": when}
            if previous
            else when
        )
    else:
        title = _("%(client)s's %(service)s was cancelled") % names
        detail = when + (" · " + _("Late cancel") if payload.get("late_cancel") else "")
    alert_coaches(
        event=event,
        kind=kind,
        recipients=_not_the_actor([coach], event),
        client=booking.client,
        title=title,
        detail=detail,
        path=reverse("booking:session", args=[session.pk]),
    )


@subscribe("plan.requested", name="automation.task_for_plan_request")
def task_for_plan_request(event) -> None:
    """A client asked for a plan: their coach (or whoever manages billing) gets a task to answer."""
    from billing.services import plan_request_people

    from .models import CoachTask
    from .tasks_service import create_task

    client = Client.objects.for_org(event.organization).filter(pk=event.payload.get("client_id")).first()
    if client is None:
        return
    payload = event.payload
    title = _("%(client)s asked for %(plan)s") % {"client": client.full_name, "plan": payload.get("plan", "")}
    detail = payload.get("message") or _("Approve it to issue the invoice, or decline it with a reason.")
    for person in plan_request_people(client=client):
        create_task(
            event.organization,
            title=title,
            detail=detail,
            client=client,
            assignee=person,
            due_at=event.created_at + timedelta(days=1),
            source=CoachTask.Source.SYSTEM,
            source_key=f"plan-request:{payload.get('request_id')}:{person.pk}",
        )
