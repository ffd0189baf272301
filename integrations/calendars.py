"""Two-way calendar sync with Google Calendar and Microsoft Outlook (Graph).

Push: every session of a coach becomes an event in their connected calendars and is
updated and removed with it. Pull: busy times of other events (only when, never what)
block the coach's slots. Events we pushed ourselves are never pulled back as busy.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import CalendarEventLink, ConnectedAccount, ExternalBusyTime
from .oauth import AccessRevoked, ProviderError, api_request, check

logger = logging.getLogger(__name__)

GOOGLE_API = "https://www.googleapis.com/calendar/v3"
GRAPH_API = "https://graph.microsoft.com/v1.0"
PULL_DAYS_BACK = 1


def _summary(session) -> str:
    names = ", ".join(b.client.full_name for b in session.bookings.active().select_related("client"))
    return f"{session.service.name} · {names}" if names else session.service.name


def _description(session) -> str:
    lines = [f"{session.organization.name}"]
    if session.video_url:
        lines.append(f"Video: {session.video_url}")
    lines.append(settings.SITE_URL + reverse("booking:session", args=[session.pk]))
    return "\n".join(lines)


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _parse(value: str) -> datetime:
    value = value.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    if "." in value:  # Graph sends 7 fractional digits
        head, _, tail = value.partition(".")
        offset = ""
        for sign in ("+", "-"):
            if sign in tail:
                offset = sign + tail.split(sign, 1)[1]
        value = head + offset
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class GoogleCalendar:
    """Google Calendar API v3: events insert / patch / delete, events.list for busy times."""

    def __init__(self, connection: ConnectedAccount):
        self.connection = connection
        self.base = f"{GOOGLE_API}/calendars/{quote(connection.calendar_id or 'primary', safe='')}/events"

    def body(self, session) -> dict:
        body = {
            "summary": _summary(session),
            "description": _description(session),
            "start": {"dateTime": _iso(session.start_at) + "Z", "timeZone": "UTC"},
            "end": {"dateTime": _iso(session.end_at) + "Z", "timeZone": "UTC"},
            "extendedProperties": {"private": {"mectoSessionId": str(session.pk)}},
            "reminders": {"useDefault": True},
        }
        if session.address:
            body["location"] = session.address
        elif session.video_url:
            body["location"] = session.video_url
        return body

    def create(self, session) -> str:
        return check(api_request(self.connection, "POST", self.base, json=self.body(session)), "Google event")["id"]

    def update(self, session, external_id: str) -> str | None:
        response = api_request(self.connection, "PATCH", f"{self.base}/{quote(external_id)}", json=self.body(session))
        if response.status_code in (404, 410):
            return None  # deleted in the calendar: create it again
        return check(response, "Google event update").get("id", external_id)

    def delete(self, external_id: str) -> None:
        check(
            api_request(self.connection, "DELETE", f"{self.base}/{quote(external_id)}"),
            "Google event removal",
            ok_missing=True,
        )

    def busy(self, start: datetime, end: datetime, tz: str) -> list[tuple[str, datetime, datetime]]:
        out, token = [], None
        while True:
            params = {
                "timeMin": _iso(start) + "Z",
                "timeMax": _iso(end) + "Z",
                "singleEvents": "true",
                "maxResults": "2500",
                "orderBy": "startTime",
            }
            if token:
                params["pageToken"] = token
            data = check(api_request(self.connection, "GET", self.base, params=params), "Google events list")
            for item in data.get("items", []):
                if item.get("status") == "cancelled" or item.get("transparency") == "transparent":
                    continue
                if (item.get("extendedProperties") or {}).get("private", {}).get("mectoSessionId"):
                    continue
                s, e = item.get("start", {}), item.get("end", {})
                if "dateTime" in s:
                    out.append((item["id"], _parse(s["dateTime"]), _parse(e["dateTime"])))
                elif "date" in s:  # an all-day event: the whole local days
                    zone = ZoneInfo(tz)
                    day_start = datetime.combine(date.fromisoformat(s["date"]), datetime.min.time(), tzinfo=zone)
                    day_end = datetime.combine(date.fromisoformat(e["date"]), datetime.min.time(), tzinfo=zone)
                    out.append((item["id"], day_start.astimezone(UTC), day_end.astimezone(UTC)))
            token = data.get("nextPageToken")
            if not token:
                return out


class MicrosoftCalendar:
    """Microsoft Graph: /me/events for our sessions, /me/calendarView for busy times."""

    def __init__(self, connection: ConnectedAccount):
        self.connection = connection

    def body(self, session) -> dict:
        body = {
            "subject": _summary(session),
            "body": {"contentType": "text", "content": _description(session)},
            "start": {"dateTime": _iso(session.start_at), "timeZone": "UTC"},
            "end": {"dateTime": _iso(session.end_at), "timeZone": "UTC"},
            "showAs": "busy",
            "transactionId": f"mecto-session-{session.pk}-{self.connection.pk}",
        }
        if session.address or session.video_url:
            body["location"] = {"displayName": session.address or session.video_url}
        return body

    def create(self, session) -> str:
        response = api_request(self.connection, "POST", f"{GRAPH_API}/me/events", json=self.body(session))
        return check(response, "Outlook event")["id"]

    def update(self, session, external_id: str) -> str | None:
        body = self.body(session)
        body.pop("transactionId")
        response = api_request(self.connection, "PATCH", f"{GRAPH_API}/me/events/{quote(external_id)}", json=body)
        if response.status_code in (404, 410):
            return None
        return check(response, "Outlook event update").get("id", external_id)

    def delete(self, external_id: str) -> None:
        check(
            api_request(self.connection, "DELETE", f"{GRAPH_API}/me/events/{quote(external_id)}"),
            "Outlook event removal",
            ok_missing=True,
        )

    def busy(self, start: datetime, end: datetime, tz: str) -> list[tuple[str, datetime, datetime]]:
        out = []
        url = f"{GRAPH_API}/me/calendarView"
        params = {
            "startDateTime": _iso(start) + "Z",
            "endDateTime": _iso(end) + "Z",
            "$select": "id,start,end,showAs,isCancelled,transactionId",
            "$top": "500",
        }
        while url:
            response = api_request(
                self.connection, "GET", url, params=params, headers={"Prefer": 'outlook.timezone="UTC"'}
            )
            data = check(response, "Outlook calendar view")
            for item in data.get("value", []):
                if item.get("isCancelled") or item.get("showAs") in ("free", "workingElsewhere"):
                    continue
                if str(item.get("transactionId") or "").startswith("mecto-session-"):
                    continue
                out.append((item["id"], _parse(item["start"]["dateTime"]), _parse(item["end"]["dateTime"])))
            url, params = data.get("@odata.nextLink"), None
        return out


def calendar_for(connection: ConnectedAccount):
    if connection.provider == ConnectedAccount.Provider.GOOGLE:
        return GoogleCalendar(connection)
    if connection.provider == ConnectedAccount.Provider.MICROSOFT:
        return MicrosoftCalendar(connection)
    raise ProviderError(f"{connection.provider} has no calendar")


def push_session(session_id: int) -> int:
    """Make every connected calendar of the session's coach match the session: create,
    update (when its revision changed) or remove the event. Returns calls made."""
    from booking.models import Session

    session = Session.objects.select_related("service", "coach", "organization").filter(pk=session_id).first()
    if session is None:
        return 0
    calls, failures = 0, []
    connections = ConnectedAccount.objects.for_org(session.organization).calendars().filter(user=session.coach)
    for connection in connections:
        link = CalendarEventLink.objects.filter(connection=connection, session=session).first()
        calendar = calendar_for(connection)
        try:
            if session.status != Session.Status.SCHEDULED:
                if link is not None:
                    calendar.delete(link.external_id)
                    link.delete()
                    calls += 1
                continue
            if link is not None and link.synced_sequence == session.sequence:
                continue
            external_id = calendar.update(session, link.external_id) if link is not None else None
            if external_id is None:
                external_id = calendar.create(session)
            calls += 1
            CalendarEventLink.objects.update_or_create(
                connection=connection,
                session=session,
                defaults={
                    "organization": session.organization,
                    "external_id": external_id,
                    "synced_sequence": session.sequence,
                },
            )
        except AccessRevoked:
            continue  # recorded on the connection; the coach is asked to reconnect
        except ProviderError as exc:
            ConnectedAccount.objects.filter(pk=connection.pk).update(last_error=str(exc)[:1000])
            failures.append(str(exc))
    if failures:
        raise ProviderError("; ".join(failures))
    return calls


def pull_busy_times(connection: ConnectedAccount, *, now: datetime | None = None) -> int:
    """Replace the connection's busy times with those of its calendar for the booking horizon."""
    from booking.models import CoachProfile

    now = now or timezone.now()
    profile = CoachProfile.objects.for_org(connection.organization).filter(user=connection.user).first()
    days = profile.max_days_ahead if profile else 60
    tz = profile.time_zone if profile else connection.organization.time_zone
    start, end = now - timedelta(days=PULL_DAYS_BACK), now + timedelta(days=days + 1)
    items = calendar_for(connection).busy(start, end, tz)
    ours = set(CalendarEventLink.objects.filter(connection=connection).values_list("external_id", flat=True))
    rows = [
        ExternalBusyTime(
            organization=connection.organization,
            connection=connection,
            coach=connection.user,
            external_id=external_id[:1024],
            start_at=busy_start,
            end_at=busy_end,
        )
        for external_id, busy_start, busy_end in items
        if external_id not in ours and busy_end > busy_start
    ]
    with transaction.atomic():
        ExternalBusyTime.objects.filter(connection=connection).delete()
        ExternalBusyTime.objects.bulk_create(rows)
        ConnectedAccount.objects.filter(pk=connection.pk).update(last_synced_at=timezone.now(), last_error="")
    return len(rows)


def sync_connection(connection: ConnectedAccount, *, now: datetime | None = None) -> dict:
    """Push the coach's upcoming sessions that are not in the calendar yet (or changed), then
    pull busy times. Returns counts."""
    from booking.models import Session

    now = now or timezone.now()
    pushed = 0
    upcoming = Session.objects.for_org(connection.organization).filter(coach=connection.user, end_at__gte=now)
    synced = dict(CalendarEventLink.objects.filter(connection=connection).values_list("session_id", "synced_sequence"))
    for session_id, status, sequence in upcoming.values_list("pk", "status", "sequence"):
        needs = (status == Session.Status.SCHEDULED and synced.get(session_id) != sequence) or (
            status != Session.Status.SCHEDULED and session_id in synced
        )
        if needs:
            pushed += push_session(session_id)
    busy = pull_busy_times(connection, now=now)
    return {"pushed": pushed, "busy": busy}


def sync_all_calendars(*, now: datetime | None = None) -> int:
    """The periodic sync: every active calendar connection; one failing never stops the rest."""
    done = 0
    for connection in ConnectedAccount.objects.calendars().select_related("organization", "user"):
        try:
            sync_connection(connection, now=now)
            done += 1
        except AccessRevoked:
            continue
        except ProviderError as exc:
            logger.warning("Calendar sync of connection %s failed: %s", connection.pk, exc)
            ConnectedAccount.objects.filter(pk=connection.pk).update(last_error=str(exc)[:1000])
    return done
