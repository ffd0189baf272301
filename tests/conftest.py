import pytest
from rest_framework.test import APIClient

from tests import shared_data
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory, UserFactory


def pytest_collection_modifyitems(items):
    # Tests that share the library or the demo business run next to each other (see shared_data).
    items.sort(key=shared_data.sort_key)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    # pytest-django opens each test's transaction in `_django_db_helper` (behind `db`,
    # `transactional_db` and the django_db marker); the shared data must be in place first.
    if fixturedef.argname == "_django_db_helper":
        shared_data.prepare(request)
    return (yield)


@pytest.fixture(scope="session")
def _shared_data_teardown(django_db_setup, django_db_blocker):
    """Rolls the shared data back before the test database is dropped."""
    yield
    shared_data.teardown(django_db_blocker)


@pytest.fixture
def library(db):
    """The shared exercise library, loaded from the bundled data set (once per test process)."""
    from training.models import Exercise

    shared_data.ensure("library")
    return Exercise.objects.library()


@pytest.fixture
def foods(db):
    """The shared food database (8,789 USDA foods and their household portions), loaded from
    the bundled data set once per test process."""
    from nutrition.models import Food

    shared_data.ensure("foods")
    return Food.objects.library()


@pytest.fixture
def demo(db):
    """The demo business `make run` creates (Northside Strength, with the library), as of
    `shared_data.DEMO_NOW`; built once per test process."""
    from accounts.management.commands.seed_demo import DEMO_SLUG
    from accounts.models import Organization

    shared_data.ensure("demo")
    return Organization.objects.get(slug=DEMO_SLUG)


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
