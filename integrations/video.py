"""Meeting links for online sessions: a Jitsi room by default (no account needed); Zoom,
Google Meet or Microsoft Teams through their APIs when the coach connected that account.
Booking reaches this through `booking.ports` (registered in IntegrationsConfig.ready())."""

from __future__ import annotations

import logging

from booking.ports import jitsi_url

from .models import ConnectedAccount
from .oauth import AccessRevoked, ProviderError, api_request, check
from .selectors import active_connection

logger = logging.getLogger(__name__)

JITSI, ZOOM, GOOGLE_MEET, TEAMS = "jitsi", "zoom", "google_meet", "teams"
ACCOUNT_FOR = {
    ZOOM: ConnectedAccount.Provider.ZOOM,
    GOOGLE_MEET: ConnectedAccount.Provider.GOOGLE,
    TEAMS: ConnectedAccount.Provider.MICROSOFT,
}
ZOOM_API = "https://api.zoom.us/v2"
GRAPH_API = "https://graph.microsoft.com/v1.0"
MEET_API = "https://meet.googleapis.com/v2"


def provider_for(*, organization, user, preferred: str) -> str:
    """The coach's preferred provider if its account is connected, otherwise Jitsi."""
    account = ACCOUNT_FOR.get(preferred)
    if account and active_connection(organization=organization, user=user, provider=account) is not None:
        return preferred
    return JITSI


def _iso(dt) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _topic(session) -> str:
    return f"{session.service.name} · {session.organization.name}"[:200]


def _create(session, connection) -> tuple[str, str]:
    provider = session.video_provider
    if provider == ZOOM:
        body = check(
            api_request(
                connection,
                "POST",
                f"{ZOOM_API}/users/me/meetings",
                json={
                    "topic": _topic(session),
                    "type": 2,
                    "start_time": _iso(session.start_at),
                    "duration": int((session.end_at - session.start_at).total_seconds() // 60),
                    "timezone": "UTC",
                    "settings": {"join_before_host": False, "waiting_room": True},
                },
            ),
            "Zoom meeting",
        )
        return body["join_url"], str(body["id"])
    if provider == TEAMS:
        body = check(
            api_request(
                connection,
                "POST",
                f"{GRAPH_API}/me/onlineMeetings",
                json={
                    "subject": _topic(session),
                    "startDateTime": _iso(session.start_at),
                    "endDateTime": _iso(session.end_at),
                },
            ),
            "Teams meeting",
        )
        return body["joinWebUrl"], body["id"]
    if provider == GOOGLE_MEET:
        body = check(
            api_request(connection, "POST", f"{MEET_API}/spaces", json={"config": {"accessType": "TRUSTED"}}),
            "Google Meet space",
        )
        return body["meetingUri"], body["name"]
    raise ProviderError(f"unknown video provider {provider}")


def _connection(session):
    account = ACCOUNT_FOR.get(session.video_provider)
    if account is None:
        return None
    return active_connection(organization=session.organization, user=session.coach, provider=account)


def ensure_meeting(session) -> str:
    """Give a scheduled online session its link, once; a failing provider falls back to Jitsi."""
    from booking.models import Session

    if not session.is_virtual or session.status != Session.Status.SCHEDULED or session.video_url:
        return session.video_url
    url, meeting_id, provider = "", "", session.video_provider or JITSI
    connection = _connection(session)
    if connection is not None:
        try:
            url, meeting_id = _create(session, connection)
        except (ProviderError, KeyError) as exc:
            logger.warning("Meeting for session %s fell back to Jitsi: %s", session.pk, exc)
    if not url:
        url, meeting_id, provider = jitsi_url(session.organization), "", JITSI
    # Only the first writer wins: a retried task never replaces a link already sent out.
    Session.objects.filter(pk=session.pk, video_url="").update(
        video_url=url, video_meeting_id=meeting_id, video_provider=provider
    )
    session.refresh_from_db(fields=["video_url", "video_meeting_id", "video_provider"])
    return session.video_url


def update_meeting(session) -> None:
    """Move a provider meeting with its session (Jitsi rooms and Meet spaces have no time)."""
    if not session.video_meeting_id or session.video_provider not in (ZOOM, TEAMS):
        return
    connection = _connection(session)
    if connection is None:
        return
    try:
        if session.video_provider == ZOOM:
            response = api_request(
                connection,
                "PATCH",
                f"{ZOOM_API}/meetings/{session.video_meeting_id}",
                json={
                    "start_time": _iso(session.start_at),
                    "duration": int((session.end_at - session.start_at).total_seconds() // 60),
                    "timezone": "UTC",
                },
            )
        else:
            response = api_request(
                connection,
                "PATCH",
                f"{GRAPH_API}/me/onlineMeetings/{session.video_meeting_id}",
                json={"startDateTime": _iso(session.start_at), "endDateTime": _iso(session.end_at)},
            )
        check(response, "meeting update")
    except (ProviderError, AccessRevoked) as exc:
        logger.warning("Could not move the meeting of session %s: %s", session.pk, exc)


def delete_meeting(session) -> None:
    """Remove the provider meeting of a cancelled session."""
    if not session.video_meeting_id or session.video_provider not in (ZOOM, TEAMS):
        return
    connection = _connection(session)
    if connection is None:
        return
    url = (
        f"{ZOOM_API}/meetings/{session.video_meeting_id}"
        if session.video_provider == ZOOM
        else f"{GRAPH_API}/me/onlineMeetings/{session.video_meeting_id}"
    )
    try:
        check(api_request(connection, "DELETE", url), "meeting removal", ok_missing=True)
    except (ProviderError, AccessRevoked) as exc:
        logger.warning("Could not remove the meeting of session %s: %s", session.pk, exc)
        return
    type(session).objects.filter(pk=session.pk).update(video_meeting_id="")
