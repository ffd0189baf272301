"""Per-request work of every API call: one Redis client, one session read, throttled activity."""

import pytest
from allauth.usersessions.models import UserSession
from django.test import override_settings

from mecto.cache import RedisCache
from mecto.sessions import SessionTokenStrategy


def test_redis_cache_reuses_one_client():
    cache = RedisCache("redis://127.0.0.1:6379/9", {})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=False) is client
    assert cache._cache.get_client("key", write=True) is client


@pytest.mark.django_db
def test_session_token_lookup_reads_the_session_once(django_assert_num_queries):
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store["_auth_user_id"] = "1"
    store.create()
    with django_assert_num_queries(1):
        assert SessionTokenStrategy().lookup_session(store.session_key).session_key == store.session_key
    with django_assert_num_queries(1):
        assert SessionTokenStrategy().lookup_session("x" * 32) is None
    assert SessionTokenStrategy().lookup_session("") is None


@pytest.mark.django_db
@override_settings(USERSESSIONS_ACTIVITY_INTERVAL=300)
def test_session_activity_is_written_once_per_interval(client, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from tests.factories import UserFactory

    cache.clear()
    user = UserFactory()
    client.force_login(user)
    client.get("/healthz")
    client.get("/healthz")
    row = UserSession.objects.get(user=user)
    first_seen = row.last_seen_at
    client.get("/healthz")
    row.refresh_from_db()
    assert row.last_seen_at == first_seen  # no write within the interval
    cache.delete(f"usersession-seen:{row.session_key}")
    client.get("/healthz")
    row.refresh_from_db()
    assert row.last_seen_at > first_seen


def test_redis_rate_counter_counts_in_one_window_that_expires():
    cache = RedisCache("redis://127.0.0.1:6379/9", {})
    cache.delete("throttle-test")
    assert cache.count_in_window("throttle-test", 60) == (1, 60)
    count, left = cache.count_in_window("throttle-test", 60)
    assert count == 2 and 0 < left <= 60
    cache.delete("throttle-test")  # the window expired: the next request starts a new one
    assert cache.count_in_window("throttle-test", 60)[0] == 1
    cache.delete("throttle-test")


@pytest.mark.django_db
def test_user_throttle_keeps_one_counter_not_a_history(settings):
    """The rate limit is one integer per caller and window, and a caller over it is told when to retry."""
    from django.core.cache import cache
    from rest_framework.settings import api_settings
    from rest_framework.test import APIClient
    from rest_framework.throttling import SimpleRateThrottle

    from tests.factories import MembershipFactory

    original = settings.REST_FRAMEWORK
    rates = {**original["DEFAULT_THROTTLE_RATES"], "user": "3/hour"}
    settings.REST_FRAMEWORK = {**original, "DEFAULT_THROTTLE_RATES": rates}
    api_settings.reload()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        cache.clear()
        user = MembershipFactory().user
        api = APIClient()
        api.force_authenticate(user)
        codes = [api.get("/api/v1/me/").status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        assert cache.get(f"throttle_user_{user.pk}:n") == 3
        assert cache.get(f"throttle_user_{user.pk}") is None  # no timestamp list
        refused = api.get("/api/v1/me/")
        assert refused.status_code == 429
        assert set(refused.json()) == {"detail", "errors"}
        assert 0 < int(refused["Retry-After"]) <= 3600
        other = APIClient()
        other.force_authenticate(MembershipFactory().user)
        assert other.get("/api/v1/me/").status_code == 200  # each caller has their own budget
    finally:
        settings.REST_FRAMEWORK = original
        api_settings.reload()
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def _sample_paths():
    """A concrete path for every API route (ids of the shape each route accepts)."""
    import re

    from django.urls import URLResolver, get_resolver

    from mecto.routing import IndexedURLResolver, _flatten

    api = next(p for p in get_resolver().url_patterns if isinstance(p, IndexedURLResolver))
    candidates = ["1", "0b6f8f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "abc", "2026-01-05", "json"]
    group = re.compile(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)")
    paths = []
    for route in _flatten(api.url_patterns):
        assert not isinstance(route, URLResolver) or route.pattern
        regex = str(route.pattern.regex.pattern)

        def sample(match):
            return next((c for c in candidates if re.fullmatch(match.group(2), c)), "1")

        path = group.sub(sample, regex).removeprefix("^").removesuffix("\\Z").removesuffix("$")
        paths.append("/api/v1/" + path.replace("\\", ""))
    return paths


def test_api_routes_resolve_as_without_the_index():
    """The per-segment index picks the route Django's ordered walk of the same urlconf picks."""
    from django.urls import URLResolver, include, path, resolve
    from django.urls.resolvers import RegexPattern

    plain = URLResolver(RegexPattern(r"^/"), [path("api/v1/", include("mecto.api"))])
    paths = _sample_paths()
    assert len(paths) > 300
    for url in paths:
        expected = plain.resolve(url)
        found = resolve(url)
        assert (found.func, found.kwargs, found.route) == (expected.func, expected.kwargs, expected.route), url


def test_api_path_tries_only_its_segment_routes():
    from django.urls import Resolver404, resolve

    match = resolve("/api/v1/exercises/44/")
    assert match.url_name == "exercise-detail"
    assert len(match.tried) < 10  # not the hundreds of routes before training's
    with pytest.raises(Resolver404):
        resolve("/api/v1/no-such-thing/")
