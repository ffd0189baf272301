import pytest
from rest_framework.test import APIClient

from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

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
