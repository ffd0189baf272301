"""Emails and text messages to clients about their bookings (with `.ics` invites)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext as _

from mecto.email import send_templated_email
from mecto.localization import format_money
from mecto.sms import send_sms

from .ics import booking_invite
from .tokens import manage_url, opt_out_url


def _local(booking):
    tz = ZoneInfo(booking.client.time_zone or booking.organization.time_zone or "UTC")
    start = booking.session.start_at.astimezone(tz)
    return start, booking.session.end_at.astimezone(tz), tz


def when_text(booking) -> str:
    start, end, tz = _local(booking)
    return f"{formats.date_format(start, 'l j F Y')}, {start:%H:%M}–{end:%H:%M} ({tz.key})"


def _context(booking, **extra) -> dict:
    session = booking.session
    return {
        "booking": booking,
        "session": session,
        "service": session.service,
        "coach": session.coach,
        "client": booking.client,
        "when": when_text(booking),
        "manage_url": manage_url(booking),
        "price": format_money(booking.price_minor, booking.currency) if booking.price_minor else "",
        "fee": format_money(booking.late_cancel_fee_minor, booking.currency) if booking.late_cancel_fee_minor else "",
        **extra,
    }


def _invite(booking, cancel=False):
    return [
        (
            "invite.ics",
            booking_invite(booking, cancel=cancel),
            f"text/calendar; method={'CANCEL' if cancel else 'REQUEST'}; charset=utf-8",
        )
    ]


def send_confirmation(booking) -> None:
    if not booking.client.email:
        return
    send_templated_email(
        to=booking.client.email,
        template="booking_confirmed",
        context=_context(booking),
        organization=booking.organization,
        attachments=_invite(booking),
    )


def send_rescheduled(booking, previous_when: str) -> None:
    if not booking.client.email:
        return
    send_templated_email(
        to=booking.client.email,
        template="booking_rescheduled",
        context=_context(booking, previous_when=previous_when),
        organization=booking.organization,
        attachments=_invite(booking),
    )


def send_cancelled(booking, *, credit: str | None) -> None:
    if not booking.client.email:
        return
    send_templated_email(
        to=booking.client.email,
        template="booking_cancelled",
        context=_context(booking, credit=credit),
        organization=booking.organization,
        attachments=_invite(booking, cancel=True),
    )


def send_reminder(*, booking, reminder) -> str:
    """Send one reminder; returns the provider's id (SMS) or ''."""
    if reminder.channel == "sms":
        start, _end, _tz = _local(booking)
        body = _("Reminder: %(service)s with %(coach)s on %(when)s. Manage: %(url)s No more texts: %(stop)s") % {
            "service": booking.session.service.name,
            "coach": booking.session.coach.get_short_name(),
            "when": f"{formats.date_format(start, 'D j M')} {start:%H:%M}",
            "url": manage_url(booking),
            "stop": opt_out_url(booking.client, "sms"),
        }
        return send_sms(to=booking.client.phone, body=body, idempotency_key=f"booking-reminder:{reminder.pk}")
    send_templated_email(
        to=booking.client.email,
        template="booking_reminder",
        context=_context(booking, opt_out_url=opt_out_url(booking.client, "email")),
        organization=booking.organization,
        headers={"List-Unsubscribe": f"<{opt_out_url(booking.client, 'email')}>"},
    )
    return ""
