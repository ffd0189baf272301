"""What booking needs from apps above it, without importing them: the meeting link of an
online session and the times a coach's connected calendars are busy.

integrations registers its providers in AppConfig.ready(). Without them (integrations not
installed) every online session gets a Jitsi room, which needs no account, and no outside
time is busy.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from .models import Session, VideoProvider


@dataclass(frozen=True)
class _VideoProvider:
    provider_for: Callable[..., str]
    ensure_meeting: Callable[[Session], str]


_video: _VideoProvider | None = None
_busy_times: list[Callable[..., list[tuple[datetime, datetime]]]] = []


def register_video_provider(*, provider_for: Callable[..., str], ensure_meeting: Callable[[Session], str]) -> None:
    """`provider_for(*, organization, user, preferred) -> VideoProvider value` picks the
    provider when a session is booked; `ensure_meeting(session) -> url` gives a scheduled
    online session its link after commit, once."""
    global _video
    _video = _VideoProvider(provider_for=provider_for, ensure_meeting=ensure_meeting)


def register_busy_times(func: Callable[..., list[tuple[datetime, datetime]]]) -> Callable:
    """`func(*, organization, coach_id, start, end) -> [(start, end), ...]`: busy times that
    overlap [start, end), which slots may not overlap either."""
    if func not in _busy_times:
        _busy_times.append(func)
    return func


def jitsi_url(organization) -> str:
    """A fresh, unguessable Jitsi room for one session of the business."""
    base = getattr(settings, "JITSI_BASE_URL", "https://meet.jit.si").rstrip("/")
    return f"{base}/{organization.slug}-{secrets.token_hex(10)}"


def video_provider_for(*, organization, user, preferred: str) -> str:
    """The provider an online session booked now uses (Jitsi unless a provider says otherwise)."""
    if _video is None:
        return VideoProvider.JITSI
    return _video.provider_for(organization=organization, user=user, preferred=preferred)


def ensure_meeting(session: Session) -> str:
    """The link of a scheduled online session, made once (a Jitsi room by default)."""
    if _video is not None:
        return _video.ensure_meeting(session)
    if not session.is_virtual or session.status != Session.Status.SCHEDULED or session.video_url:
        return session.video_url
    # Only the first writer wins: a retried task never replaces a link already sent out.
    Session.objects.filter(pk=session.pk, video_url="").update(
        video_url=jitsi_url(session.organization), video_meeting_id="", video_provider=VideoProvider.JITSI
    )
    session.refresh_from_db(fields=["video_url", "video_meeting_id", "video_provider"])
    return session.video_url


def busy_intervals(*, organization, coach_id: int, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Outside busy times of the coach that overlap [start, end) (none by default)."""
    return [
        interval
        for func in _busy_times
        for interval in func(organization=organization, coach_id=coach_id, start=start, end=end)
    ]
