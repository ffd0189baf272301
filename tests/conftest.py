import pytest
from rest_framework.test import APIClient

from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]  # the backend itself (django.core.cache.cache is a proxy)
    if isinstance(cache, RedisCache):
        # FLUSHDB would also empty the other xdist worker's keys (and anyone else's in that
        # database): remove only this process's keys (settings.test gives each its own prefix).
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
    yield


@pytest.fixture
def org():
    return OrganizationFactory()


@pytest.fixture
def owner(org):
    return MembershipFactory(organization=org, role="owner").user


@pytest.fixture
def coach(org):
    return MembershipFactory(organization=org, role="coach").user


@pytest.fixture
def assistant(org):
    return MembershipFactory(organization=org, role="assistant").user


@pytest.fixture
def client_record(org):
    """A client of `org` with a portal account."""
    user = UserFactory()
    return ClientFactory(organization=org, user=user, email=user.email)


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def owner_api(owner):
    return api_as(owner)


@pytest.fixture
def coach_api(coach):
    return api_as(coach)
