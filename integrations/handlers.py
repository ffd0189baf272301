"""Integrations react to booking events: calendars follow sessions, meetings follow times."""

from django.utils.translation import gettext_lazy as _

from mecto import comms
from mecto.events import subscribe

comms.register_topic("integrations", _("Connected calendars and video accounts"))


@subscribe("booking.*", name="integrations.calendar_follows_booking")
@subscribe("session.*", name="integrations.calendar_follows_session")
def calendar_follows_sessions(event):
    from booking.models import Session

    from .models import ConnectedAccount
    from .tasks import push_session
    from .video import delete_meeting, update_meeting

    ids = {event.payload.get("session_id"), event.payload.get("previous_session_id")} - {None}
    for session in Session.objects.filter(pk__in=ids).select_related("service", "coach", "organization"):
        if event.name == "booking.rescheduled" and session.pk == event.payload.get("session_id"):
            update_meeting(session)
        if session.status == Session.Status.CANCELLED and event.name == "session.cancelled":
            delete_meeting(session)
        if ConnectedAccount.objects.for_org(session.organization).calendars().filter(user=session.coach).exists():
            push_session.delay(session.pk)


@subscribe("integration.revoked", name="integrations.tell_coach_to_reconnect")
def tell_coach_to_reconnect(event):
    from django.conf import settings
    from django.urls import reverse

    from .models import ConnectedAccount

    connection = (
        ConnectedAccount.objects.select_related("user", "organization")
        .filter(pk=event.payload.get("connection_id"))
        .first()
    )
    if connection is None:
        return
    comms.queue_email(
        organization=connection.organization,
        to=connection.user.email,
        topic="integrations",
        key=f"integration-revoked:{event.pk}",
        template="integration_revoked",
        context={"connection": connection, "url": settings.SITE_URL + reverse("integrations:index")},
    )


@subscribe("*", name="integrations.webhooks_fan_out")
def webhooks_fan_out(event):
    from .services_webhooks import fan_out

    fan_out(event)
