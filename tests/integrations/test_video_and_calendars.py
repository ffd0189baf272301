"""Zoom, Teams and Meet links; Google and Outlook sync; token refresh and revoked access.
The providers' HTTP APIs are faked with `responses`, in the shapes their documentation gives."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import responses
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from booking import selectors, services
from booking.models import CoachProfile, ServiceType, Session
from integrations import calendars
from integrations.models import CalendarEventLink, ConnectedAccount, ExternalBusyTime
from integrations.tasks import sync_all_calendars
from tests.factories import ClientFactory

from .factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = "2026-06-01 06:00"
TUE_10 = datetime(2026, 6, 2, 10, 0, tzinfo=LONDON)
ZOOM_MEETING = {  # POST /users/me/meetings, 201 (Zoom API reference)
    "uuid": "aDYlohsHRtCd4ii1uC2+hA==",
    "id": 85746065432,
    "host_id": "KdYKjnimT4KPd8FFgQt9FQ",
    "topic": "Online PT",
    "type": 2,
    "start_time": "2026-06-02T09:00:00Z",
    "duration": 60,
    "timezone": "UTC",
    "join_url": "https://us05web.zoom.us/j/85746065432?pwd=abc",
    "start_url": "https://us05web.zoom.us/s/85746065432?zak=xyz",
    "password": "abc123",
}


def _online(studio, provider):
    studio.service.location_type = ServiceType.Location.VIRTUAL
    studio.service.address = ""
    studio.service.save()
    CoachProfile.objects.filter(pk=studio.profile.pk).update(video_provider=provider)


def _book(studio, run_on_commit, start=TUE_10, email="v@example.com"):
    return run_on_commit(
        services.book_from_public_page,
        service=studio.service,
        coach=studio.coach,
        start_at=start,
        first_name="V",
        email=email,
    )


@freeze_time(NOW)
@responses.activate
def test_zoom_meeting_is_created_moved_and_removed_with_the_session(studio, run_on_commit):
    _online(studio, "zoom")
    ConnectedAccountFactory(organization=studio.org, user=studio.coach, provider="zoom", access_token="zoom-at")
    created = responses.post("https://api.zoom.us/v2/users/me/meetings", json=ZOOM_MEETING, status=201)
    patched = responses.patch("https://api.zoom.us/v2/meetings/85746065432", status=204)
    deleted = responses.delete("https://api.zoom.us/v2/meetings/85746065432", status=204)
    booking = _book(studio, run_on_commit)
    booking.session.refresh_from_db()
    assert booking.session.video_provider == "zoom" and booking.session.video_url == ZOOM_MEETING["join_url"]
    body = json.loads(created.calls[0].request.body)
    assert body["start_time"] == "2026-06-02T09:00:00Z" and body["duration"] == 60 and body["type"] == 2
    assert created.calls[0].request.headers["Authorization"] == "Bearer zoom-at"
    [confirmation] = [m for m in mail.outbox if m.to == ["v@example.com"]]
    assert ZOOM_MEETING["join_url"] in confirmation.body
    run_on_commit(services.reschedule_booking, booking=booking, start_at=TUE_10 + timedelta(hours=2))
    assert json.loads(patched.calls[0].request.body)["start_time"] == "2026-06-02T11:00:00Z"
    run_on_commit(services.cancel_booking, booking=booking)
    assert deleted.call_count == 1


@freeze_time(NOW)
@responses.activate
def test_expired_zoom_token_is_refreshed_before_the_call(studio, run_on_commit):
    _online(studio, "zoom")
    account = ConnectedAccountFactory(
        organization=studio.org,
        user=studio.coach,
        provider="zoom",
        access_token="old",
        refresh_token="zoom-refresh",
        expires_at=timezone.now() - timedelta(minutes=5),
    )
    token = responses.post(
        "https://zoom.us/oauth/token",
        json={
            "access_token": "new-at",
            "token_type": "bearer",
            "refresh_token": "zoom-refresh-2",
            "expires_in": 3599,
            "scope": "meeting:write",
        },
    )
    meeting = responses.post("https://api.zoom.us/v2/users/me/meetings", json=ZOOM_MEETING, status=201)
    _book(studio, run_on_commit)
    assert "grant_type=refresh_token" in token.calls[0].request.body
    assert token.calls[0].request.headers["Authorization"].startswith("Basic ")  # client id and secret
    assert meeting.calls[0].request.headers["Authorization"] == "Bearer new-at"
    account.refresh_from_db()
    assert account.refresh_token == "zoom-refresh-2" and account.expires_at > timezone.now() + timedelta(minutes=50)


@freeze_time(NOW)
@responses.activate
def test_revoked_access_falls_back_to_jitsi_and_asks_the_coach_to_reconnect(studio, run_on_commit):
    _online(studio, "teams")
    account = ConnectedAccountFactory(organization=studio.org, user=studio.coach, provider="microsoft")
    responses.post(
        "https://graph.microsoft.com/v1.0/me/onlineMeetings",
        json={"error": {"code": "InvalidAuthenticationToken", "message": "Access token has expired."}},
        status=401,
    )
    responses.post(
        "https://login.microsoftonline.com/common/oauth2/v2.0/token",
        json={"error": "invalid_grant", "error_description": "AADSTS70000: The refresh token was revoked."},
        status=400,
    )
    booking = _book(studio, run_on_commit)
    booking.session.refresh_from_db()
    assert booking.session.video_url.startswith("https://meet.jit.si/") and booking.session.video_provider == "jitsi"
    account.refresh_from_db()
    assert account.status == ConnectedAccount.Status.REVOKED and account.access_token == ""
    subjects = [m.subject for m in mail.outbox]
    assert any("Reconnect" in s for s in subjects) and any("Booked" in s for s in subjects)
    # the next online session goes straight to Jitsi: no call to a revoked account
    calls = len(responses.calls)
    _book(studio, run_on_commit, start=TUE_10 + timedelta(hours=2), email="w@example.com")
    assert len(responses.calls) == calls


@freeze_time(NOW)
@responses.activate
def test_teams_and_meet_links(studio, run_on_commit):
    _online(studio, "teams")
    ConnectedAccountFactory(organization=studio.org, user=studio.coach, provider="microsoft", calendar_sync=False)
    responses.post(
        "https://graph.microsoft.com/v1.0/me/onlineMeetings",
        json={
            "id": "MSpkYzE3Yjk0YS1kMGM5LTQ3ODUtOWE5NC0xYjgzNDMwMGE2MzkqMCoqMTk6bWVldGluZ18=",
            "joinWebUrl": "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0",
            "subject": "Online PT",
            "startDateTime": "2026-06-02T09:00:00Z",
            "endDateTime": "2026-06-02T10:00:00Z",
        },
        status=201,
    )
    teams = _book(studio, run_on_commit)
    teams.session.refresh_from_db()
    assert teams.session.video_url.startswith("https://teams.microsoft.com/l/meetup-join/")
    _online(studio, "google_meet")
    ConnectedAccountFactory(organization=studio.org, user=studio.coach, provider="google", calendar_sync=False)
    responses.post(
        "https://meet.googleapis.com/v2/spaces",
        json={
            "name": "spaces/jQCFfuBOdN5z",
            "meetingUri": "https://meet.google.com/abc-mnop-xyz",
            "meetingCode": "abc-mnop-xyz",
            "config": {"accessType": "TRUSTED"},
        },
    )
    meet = _book(studio, run_on_commit, start=TUE_10 + timedelta(hours=3), email="m@example.com")
    meet.session.refresh_from_db()
    assert meet.session.video_url == "https://meet.google.com/abc-mnop-xyz"


GOOGLE_EVENTS = "https://www.googleapis.com/calendar/v3/calendars/primary/events"


@freeze_time(NOW)
@responses.activate
def test_google_calendar_gets_the_session_updated_and_removed(studio, run_on_commit):
    connection = ConnectedAccountFactory(organization=studio.org, user=studio.coach, provider="google")
    inserted = responses.post(
        GOOGLE_EVENTS,
        json={
            "kind": "calendar#event",
            "id": "evt123",
            "status": "confirmed",
            "htmlLink": "https://www.google.com/calendar/event?eid=x",
        },
    )
    patched = responses.patch(f"{GOOGLE_EVENTS}/evt123", json={"kind": "calendar#event", "id": "evt123"})
    deleted = responses.delete(f"{GOOGLE_EVENTS}/evt123", status=204)
    booking = _book(studio, run_on_commit)
    body = json.loads(inserted.calls[0].request.body)
    assert body["start"] == {"dateTime": "2026-06-02T09:00:00Z", "timeZone": "UTC"}
    assert body["extendedProperties"]["private"]["mectoSessionId"] == str(booking.session_id)
    link = CalendarEventLink.objects.get(connection=connection)
    assert link.external_id == "evt123" and link.synced_sequence == 0
    run_on_commit(services.reschedule_booking, booking=booking, start_at=TUE_10 + timedelta(hours=1))
    assert json.loads(patched.calls[0].request.body)["start"]["dateTime"] == "2026-06-02T10:00:00Z"
    run_on_commit(services.cancel_booking, booking=booking)
    assert deleted.call_count == 1 and not CalendarEventLink.objects.exists()


@freeze_time(NOW)
@responses.activate
def test_outlook_event_recreated_when_deleted_in_the_calendar(studio, run_on_commit):
    ConnectedAccountFactory(organization=studio.org, user=studio.coach, provider="microsoft")
    created = responses.post(
        "https://graph.microsoft.com/v1.0/me/events",
        json={"id": "AAMkAGI2TG93AAA=", "subject": "x", "showAs": "busy"},
        status=201,
    )
    responses.patch(
        "https://graph.microsoft.com/v1.0/me/events/AAMkAGI2TG93AAA%3D",
        json={"error": {"code": "ErrorItemNotFound", "message": "The specified object was not found in the store."}},
        status=404,
    )
    booking = _book(studio, run_on_commit)
    body = json.loads(created.calls[0].request.body)
    assert body["start"] == {"dateTime": "2026-06-02T09:00:00", "timeZone": "UTC"}
    assert body["transactionId"].startswith("mecto-session-")
    run_on_commit(services.reschedule_booking, booking=booking, start_at=TUE_10 + timedelta(hours=1))
    assert created.call_count == 2  # the event was gone: made again at the new time


@freeze_time(NOW)
@responses.activate
def test_busy_times_are_pulled_from_google_without_our_own_events(studio):
    connection = ConnectedAccountFactory(organization=studio.org, user=studio.coach, provider="google")
    responses.get(
        GOOGLE_EVENTS,
        json={
            "kind": "calendar#events",
            "items": [
                {
                    "id": "dentist",
                    "status": "confirmed",
                    "start": {"dateTime": "2026-06-02T14:00:00+01:00"},
                    "end": {"dateTime": "2026-06-02T15:00:00+01:00"},
                },
                {
                    "id": "ours",
                    "status": "confirmed",
                    "extendedProperties": {"private": {"mectoSessionId": "9"}},
                    "start": {"dateTime": "2026-06-02T16:00:00+01:00"},
                    "end": {"dateTime": "2026-06-02T17:00:00+01:00"},
                },
                {
                    "id": "reminder",
                    "status": "confirmed",
                    "transparency": "transparent",
                    "start": {"dateTime": "2026-06-02T11:00:00+01:00"},
                    "end": {"dateTime": "2026-06-02T12:00:00+01:00"},
                },
                {
                    "id": "holiday",
                    "status": "confirmed",
                    "start": {"date": "2026-06-04"},
                    "end": {"date": "2026-06-05"},
                },
                {"id": "gone", "status": "cancelled"},
            ],
            "nextPageToken": "page2",
        },
        match=[responses.matchers.query_param_matcher({"timeMin": "2026-05-31T06:00:00Z"}, strict_match=False)],
    )
    responses.get(
        GOOGLE_EVENTS,
        json={
            "items": [
                {
                    "id": "gym",
                    "start": {"dateTime": "2026-06-03T09:00:00Z"},
                    "end": {"dateTime": "2026-06-03T10:00:00Z"},
                }
            ]
        },
        match=[responses.matchers.query_param_matcher({"pageToken": "page2"}, strict_match=False)],
    )
    assert sync_all_calendars() == 1
    busy = sorted(ExternalBusyTime.objects.filter(connection=connection).values_list("external_id", flat=True))
    assert busy == ["dentist", "gym", "holiday"]
    day = selectors.local_day_bounds(TUE_10.date(), "Europe/London")
    times = [
        s.start.astimezone(LONDON).strftime("%H:%M")
        for s in selectors.open_slots(service=studio.service, coach_id=studio.coach.pk, start=day[0], end=day[1])
    ]
    assert "13:00" in times and "13:30" not in times and "14:00" not in times and "15:00" in times
    assert "16:00" in times and "11:00" in times
    thursday = selectors.local_day_bounds(TUE_10.date() + timedelta(days=2), "Europe/London")
    assert (
        selectors.open_slots(service=studio.service, coach_id=studio.coach.pk, start=thursday[0], end=thursday[1]) == []
    )
    connection.refresh_from_db()
    assert connection.last_synced_at is not None


@freeze_time(NOW)
@responses.activate
def test_busy_times_from_outlook_follow_next_links_and_skip_free(studio):
    connection = ConnectedAccountFactory(organization=studio.org, user=studio.coach, provider="microsoft")
    first = responses.get(
        "https://graph.microsoft.com/v1.0/me/calendarView",
        json={
            "value": [
                {
                    "id": "a",
                    "showAs": "busy",
                    "isCancelled": False,
                    "start": {"dateTime": "2026-06-02T08:00:00.0000000", "timeZone": "UTC"},
                    "end": {"dateTime": "2026-06-02T09:00:00.0000000", "timeZone": "UTC"},
                },
                {
                    "id": "b",
                    "showAs": "free",
                    "isCancelled": False,
                    "start": {"dateTime": "2026-06-02T12:00:00.0000000", "timeZone": "UTC"},
                    "end": {"dateTime": "2026-06-02T13:00:00.0000000", "timeZone": "UTC"},
                },
            ],
            "@odata.nextLink": "https://graph.microsoft.com/v1.0/me/calendarView?$skip=2",
        },
        match=[responses.matchers.query_param_matcher({"$top": "500"}, strict_match=False)],
    )
    responses.get(
        "https://graph.microsoft.com/v1.0/me/calendarView",
        json={
            "value": [
                {
                    "id": "c",
                    "showAs": "oof",
                    "isCancelled": False,
                    "start": {"dateTime": "2026-06-03T08:00:00.0000000", "timeZone": "UTC"},
                    "end": {"dateTime": "2026-06-03T17:00:00.0000000", "timeZone": "UTC"},
                }
            ]
        },
        match=[responses.matchers.query_param_matcher({"$skip": "2"})],
    )
    assert calendars.pull_busy_times(connection) == 2
    assert first.calls[0].request.headers["Prefer"] == 'outlook.timezone="UTC"'
    assert sorted(ExternalBusyTime.objects.values_list("external_id", flat=True)) == ["a", "c"]


@freeze_time(NOW)
@responses.activate
def test_a_401_refreshes_once_and_retries(studio):
    connection = ConnectedAccountFactory(organization=studio.org, user=studio.coach, provider="google")
    responses.get(GOOGLE_EVENTS, json={"error": {"code": 401, "message": "Invalid Credentials"}}, status=401)
    responses.get(GOOGLE_EVENTS, json={"items": []})
    refresh = responses.post(
        "https://oauth2.googleapis.com/token",
        json={
            "access_token": "ya29.renewed",
            "expires_in": 3599,
            "scope": "https://www.googleapis.com/auth/calendar.events",
            "token_type": "Bearer",
        },
    )
    assert calendars.pull_busy_times(connection) == 0
    assert "client_secret=google-secret" in refresh.calls[0].request.body
    assert responses.calls[-1].request.headers["Authorization"] == "Bearer ya29.renewed"
    connection.refresh_from_db()
    assert connection.access_token == "ya29.renewed" and connection.status == "active"


@freeze_time(NOW)
@responses.activate
def test_periodic_sync_pushes_missing_sessions_and_survives_a_revoked_account(studio):
    good = ConnectedAccountFactory(organization=studio.org, user=studio.coach, provider="google")
    other_coach_org = ConnectedAccountFactory(provider="google", expires_at=timezone.now() - timedelta(minutes=1))
    services.book_session(
        service=studio.service, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=TUE_10
    )  # booked while the calendar was unreachable: no event yet
    responses.post(GOOGLE_EVENTS, json={"id": "late-evt"})
    responses.get(GOOGLE_EVENTS, json={"items": []})
    responses.post("https://oauth2.googleapis.com/token", json={"error": "invalid_grant"}, status=400)
    assert sync_all_calendars() == 1
    assert CalendarEventLink.objects.get(connection=good).external_id == "late-evt"
    other_coach_org.refresh_from_db()
    assert other_coach_org.status == "revoked"
    assert Session.objects.count() == 1
