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
