"""Emails, text messages and push notifications to clients about their bookings (with `.ics`
invites), each a row of the platform's sending mechanism with a key that makes it happen once."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto import comms
from mecto.comms.preferences import preference_url, unsubscribe_headers
from mecto.language import recipient_language
from mecto.localization import format_date, format_money, format_time

from .ics import booking_invite
from .tokens import manage_url

BOOKINGS_TOPIC = "bookings"
REMINDERS_TOPIC = "reminders"
comms.register_topic(BOOKINGS_TOPIC, gettext_lazy("Booking confirmations and changes"))
comms.register_topic(REMINDERS_TOPIC, gettext_lazy("Session reminders"), can_opt_out=True)


def _local(booking):
    tz = ZoneInfo(booking.client.time_zone or booking.organization.time_zone or "UTC")
    start = booking.session.start_at.astimezone(tz)
    return start, booking.session.end_at.astimezone(tz), tz


def when_text(booking) -> str:
    start, end, tz = _local(booking)
    return f"{format_date(start, 'LONG_DATE_FORMAT')}, {format_time(start)}–{format_time(end)} ({tz.key})"


def _context(booking, **extra) -> dict:
    """The email's context; its dates and amounts written the client's way, not the sender's."""
    session = booking.session
    with _client_language(booking):
        return {
            "booking": booking,
            "session": session,
            "service": session.service,
            "coach": session.coach,
            "client": booking.client,
            "when": when_text(booking),
            "manage_url": manage_url(booking),
            "price": format_money(booking.price_minor, booking.currency) if booking.price_minor else "",
            "fee": format_money(booking.late_cancel_fee_minor, booking.currency)
            if booking.late_cancel_fee_minor
            else "",
            **extra,
        }


def _invite(booking, cancel=False):
    return [
        (
            "invite.ics",
            booking_invite(booking, cancel=cancel).decode("utf-8"),
            f"text/calendar; method={'CANCEL' if cancel else 'REQUEST'}; charset=utf-8",
        )
    ]


def _queue_booking_email(booking, *, template: str, key: str, context: dict, cancel: bool = False) -> None:
    if not booking.client.email:
        return
    comms.queue_email(
        organization=booking.organization,
        to=booking.client.email,
        topic=BOOKINGS_TOPIC,
        key=key,
        template=template,
        context=context,
        attachments=_invite(booking, cancel=cancel),
        client_id=booking.client_id,
    )


def send_confirmation(booking, *, key: str) -> None:
    _queue_booking_email(booking, template="booking_confirmed", key=key, context=_context(booking))


def send_rescheduled(booking, previous_when: str, *, key: str) -> None:
    _queue_booking_email(
        booking, template="booking_rescheduled", key=key, context=_context(booking, previous_when=previous_when)
    )


def send_cancelled(booking, *, credit: str | None, key: str) -> None:
    _queue_booking_email(
        booking, template="booking_cancelled", key=key, context=_context(booking, credit=credit), cancel=True
    )


def client_address(client, channel: str) -> str:
    return client.email if channel == "email" else client.phone


def _client_language(booking):
    """Text written now (not by a composer in the worker) is written in the client's language."""
    return translation.override(recipient_language(organization=booking.organization, client_id=booking.client_id))


def reminder_key(booking, channel: str, offset_minutes: int) -> str:
    """One reminder per booking, channel, offset and start time (a move gets new ones)."""
    return f"booking-reminder:{booking.pk}:{channel}:{offset_minutes}:{int(booking.session.start_at.timestamp())}"


def queue_reminder(*, booking, channel: str, offset_minutes: int):
    """Queue one reminder (rendered now); returns the row, `is_new` False if it existed."""
    key = reminder_key(booking, channel, offset_minutes)
    address = client_address(booking.client, channel)
    stop = preference_url(organization=booking.organization, channel=channel, address=address, topic=REMINDERS_TOPIC)
    if channel == "sms":
        start, _end, _tz = _local(booking)
        with _client_language(booking):
            body = _("Reminder: %(service)s with %(coach)s on %(when)s. Manage: %(url)s No more texts: %(stop)s") % {
                "service": booking.session.service.name,
                "coach": booking.session.coach.get_short_name(),
                "when": f"{format_date(start, 'WEEKDAY_MONTH_DAY_FORMAT')} {format_time(start)}",
                "url": manage_url(booking),
                "stop": stop,
            }
        return comms.queue_sms(
            organization=booking.organization,
            to=address,
            topic=REMINDERS_TOPIC,
            key=key,
            body=body,
            client_id=booking.client_id,
            time_zone=booking.client.time_zone or booking.organization.time_zone,
        )
    return comms.queue_email(
        organization=booking.organization,
        to=address,
        topic=REMINDERS_TOPIC,
        key=key,
        template="booking_reminder",
        context=_context(booking, opt_out_url=stop),
        headers=unsubscribe_headers(stop),
        client_id=booking.client_id,
    )


def queue_push_reminder(*, booking, offset_minutes: int, now=None) -> list:
    """Notify each device the client turned notifications on (rendered now, like the
    email); the push service keeps it until the session starts, no longer."""
    start, _end, _tz = _local(booking)
    until_start = (booking.session.start_at - (now or timezone.now())).total_seconds()
    with _client_language(booking):
        title = _("Reminder: %(service)s") % {"service": booking.session.service.name}
        body = _("%(when)s with %(coach)s") % {
            "when": f"{format_date(start, 'WEEKDAY_MONTH_DAY_FORMAT')} {format_time(start)}",
            "coach": booking.session.coach.get_short_name(),
        }
    return comms.queue_push(
        organization=booking.organization,
        user_id=booking.client.user_id,
        topic=REMINDERS_TOPIC,
        key=reminder_key(booking, "push", offset_minutes),
        title=title,
        body=body,
        url=manage_url(booking),
        tag=f"booking-{booking.public_id}",
        ttl=int(max(until_start, 60)),
        urgency="high",
        client_id=booking.client_id,
    )
