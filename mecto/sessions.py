"""Session lookups of the API and the session-activity record, with less work per request.

- `SessionTokenStrategy`: an app's `X-Session-Token` is looked up with one session read
  (allauth's default strategy asks whether the session exists, then loads it: two).
- `UserSessionsMiddleware`: allauth's activity record (the "signed-in devices" list) is written
  at most once per `USERSESSIONS_ACTIVITY_INTERVAL` seconds per session (default 300), not in a
  write transaction on every request; a change of IP or browser shows at the next write.
"""

from __future__ import annotations

from allauth.headless.internal import sessionkit
from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy as AllauthSessionTokenStrategy
from django.conf import settings
from django.core.cache import cache


class SessionTokenStrategy(AllauthSessionTokenStrategy):
    def lookup_session(self, session_token: str):
        if not session_token or len(session_token) > 40:
            return None
        return sessionkit.lookup_session(session_token)


def activity_interval() -> int:
    return int(getattr(settings, "USERSESSIONS_ACTIVITY_INTERVAL", 300))


class UserSessionsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from allauth.usersessions import app_settings

        session = getattr(request, "session", None)
        if (
            app_settings.TRACK_ACTIVITY
            and session is not None
            and session.session_key
            and request.user.is_authenticated
            and cache.add(f"usersession-seen:{session.session_key}", 1, timeout=activity_interval())
        ):
            from allauth.usersessions.models import UserSession

            UserSession.objects.create_from_request(request)
        return self.get_response(request)
