"""Tenancy is never optional: every /api/v1/ route is checked, and the checker can fail."""

import pytest
from django.urls import include, path
from rest_framework import serializers, viewsets
from rest_framework.routers import SimpleRouter

from accounts.models import User
from clients.api.serializers import ClientSerializer
from clients.models import Client
from mecto.api_base import OrgViewSet

from .tenancy import api_routes, check_routes

pytestmark = pytest.mark.django_db


def test_every_api_route_is_scoped_to_its_business():
    routes = api_routes()
    assert len(routes) >= 5, "the resolver walk found too few routes to be real"
    assert check_routes() == []


# --- The checker's self-check: deliberately leaky views registered in this test ------------------
class LeakyClientViewSet(OrgViewSet):
    """Derives from the base but forgets the scope: every business's clients."""

    queryset = Client.objects.all()
    serializer_class = ClientSerializer

    def get_queryset(self):
        return Client.objects.all()


class UnscopedViewSet(viewsets.ModelViewSet):
    """Not built on the tenancy base at all."""

    queryset = Client.objects.all()
    serializer_class = ClientSerializer


class CrossLinkSerializer(serializers.ModelSerializer):
    coach = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True)

    class Meta:
        model = Client
        fields = ["id", "first_name", "coach"]


class CrossLinkViewSet(OrgViewSet):
    """Scoped reads, but its serializer accepts any business's coach id."""

    queryset = Client.objects.all()
    serializer_class = CrossLinkSerializer


_router = SimpleRouter()
_router.register("leaky-clients", LeakyClientViewSet, basename="leaky-client")
_router.register("unscoped-clients", UnscopedViewSet, basename="unscoped-client")
_router.register("crosslink-clients", CrossLinkViewSet, basename="crosslink-client")
urlpatterns = [
    path("api/v1/", include(_router.urls)),
    path("", include("mecto.urls")),
]


@pytest.mark.urls("tests.security.test_cross_tenant")
def test_checker_catches_deliberately_leaky_views():
    violations = check_routes()
    text = "\n".join(violations)
    assert "leaky-client-list" in text and "list shows another business's row" in text
    assert "leaky-client-detail" in text and "GET retrieve on another business's row gave 200" in text
    assert "unscoped-client-list" in text and "does not derive from the tenancy base" in text
    assert "crosslink-client-list" in text and "create with another business's coach id" in text
    # ...and nothing else: the real routes stay clean beside them.
    assert all(any(bad in v for bad in ("leaky-", "unscoped-", "crosslink-")) for v in violations), text
