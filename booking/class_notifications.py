"""What clients of a class hear from the waitlist: a freed place is theirs for a while, or the
class they waited for is cancelled. Transactional email and text message, each a row of the
platform's sending mechanism written in the caller's transaction, in the client's language."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.translation import gettext as _

from mecto import comms
from mecto.language import recipient_language
from mecto.localization import format_date, format_time

from .notifications import BOOKINGS_TOPIC
from .tokens import offer_url


def _when(moment, client, organization) -> str:
    tz = ZoneInfo(client.time_zone or organization.time_zone or "UTC")
    local = moment.astimezone(tz)
    return f"{format_date(local, 'LONG_DATE_FORMAT')}, {format_time(local)} ({tz.key})"


def _short(moment, client, organization) -> str:
    tz = ZoneInfo(client.time_zone or organization.time_zone or "UTC")
    local = moment.astimezone(tz)
    return f"{format_date(local, 'WEEKDAY_MONTH_DAY_FORMAT')} {format_time(local)}"


def _class_name(session) -> str:
    return session.group_class.name if session.group_class_id else session.service.name


def _send(entry, session, *, key: str, template: str, sms: str, context: dict) -> None:
    client, organization = entry.client, session.organization
    language = recipient_language(organization=organization, client_id=client.pk)
    if client.email:
        comms.queue_email(
            organization=organization,
            to=client.email,
            topic=BOOKINGS_TOPIC,
            key=f"{key}:email",
            template=template,
            context=context,
            client_id=client.pk,
            language=language,
        )
    if client.phone:
        comms.queue_sms(
            organization=organization,
            to=client.phone,
            topic=BOOKINGS_TOPIC,
            key=f"{key}:sms",
            body=sms,
            client_id=client.pk,
            time_zone=client.time_zone or organization.time_zone,
            language=language,
        )


def send_offer(entry, session) -> None:
    """A place is held for the first in line until the offer's end: one click books it."""
    client, organization = entry.client, session.organization
    with translation.override(recipient_language(organization=organization, client_id=client.pk)):
        url = offer_url(entry)
        context = {
            "client": client,
            "class_name": _class_name(session),
            "when": _when(session.start_at, client, organization),
            "until": _when(entry.offer_expires_at, client, organization),
            "confirm_url": url,
        }
        sms = _("A place in %(name)s on %(when)s is yours until %(until)s. Book it: %(url)s") % {
            "name": context["class_name"],
            "when": _short(session.start_at, client, organization),
            "until": _short(entry.offer_expires_at, client, organization),
            "url": url,
        }
    _send(
        entry,
        session,
        key=f"class-offer:{entry.pk}:{entry.offers_made}",
        template="class_place_offered",
        sms=sms,
        context=context,
    )


def send_class_cancelled_to_waitlist(entry, session, *, reason: str = "") -> None:
    client, organization = entry.client, session.organization
    with translation.override(recipient_language(organization=organization, client_id=client.pk)):
        context = {
            "client": client,
            "class_name": _class_name(session),
            "when": _when(session.start_at, client, organization),
            "reason": reason,
        }
        sms = _("%(name)s on %(when)s is cancelled, so its waitlist is closed.") % {
            "name": context["class_name"],
            "when": _short(session.start_at, client, organization),
        }
    _send(
        entry, session, key=f"class-cancelled:{entry.pk}", template="class_cancelled_waitlist", sms=sms, context=context
    )
