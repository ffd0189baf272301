"""API conventions shared by every app: tenancy-scoped viewsets and serializers,
pagination, and one error shape: {"detail": "...", "errors": {"field": ["..."]}}."""

from __future__ import annotations

from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.response import Response

from mecto.api_errors import ErrorSerializer, JSONObjectParser  # noqa: F401  (re-exported for apps)
from mecto.language import activate_for_request
from mecto.pagination import CursorPagination, PageNumberPagination  # noqa: F401
from mecto.permissions import HasCapability, IsClient, IsOrgMember
from mecto.tenancy import get_tenant


# --- Serializers ----------------------------------------------------------------------------------
def _scope_to_request(queryset, context):
    request = context.get("request")
    if queryset is None or not hasattr(queryset, "for_org"):
        return queryset
    tenant = get_tenant(request) if request is not None else None
    return queryset.for_org(tenant.organization if tenant else None)


class OrgPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id is accepted only when it belongs to the request's organisation."""

    def get_queryset(self):
        return _scope_to_request(super().get_queryset(), self.context)


class OrgSlugRelatedField(serializers.SlugRelatedField):
    def get_queryset(self):
        return _scope_to_request(super().get_queryset(), self.context)


class OrgModelSerializer(serializers.ModelSerializer):
    """Model serializer whose related fields refuse ids from another organisation (400)."""

    serializer_related_field = OrgPrimaryKeyRelatedField


# --- Views ------------------------------------------------------------------------------------------
INT_ID = r"[0-9]{1,18}"  # fits a 64-bit id: longer numbers are a 404, not an overflow
MAX_ID = 2**63 - 1  # the largest id a database column holds: a bigger one is a 400, not an overflow
UUID_ID = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class TenantAPIMixin:
    """Resolve the tenant after authentication (token or session), before permissions.

    Writes read their body first: a malformed body, or JSON that is not an object, is a 400.
    Detail routes only match ids of the right shape (digits for `pk`, a UUID for
    `public_id`-style lookups), so `/things/abc/` is a 404, never a server error.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "lookup_value_regex" in cls.__dict__:
            return
        lookup = getattr(cls, "lookup_field", "pk")
        if lookup in ("pk", "id"):
            cls.lookup_value_regex = INT_ID
        elif lookup.endswith(("public_id", "uuid")):
            cls.lookup_value_regex = UUID_ID

    def initial(self, request, *args, **kwargs):
        self.perform_authentication(request)
        request.tenant = get_tenant(request)
        activate_for_request(request)  # a token's person is known only now
        super().initial(request, *args, **kwargs)
        self.check_route(request)
        if request.method not in SAFE_METHODS:
            # Read the body before the action: a malformed body, or JSON that is not an object,
            # is a 400 for every write, also for actions that take no body.
            request.data  # noqa: B018

    def check_route(self, request) -> None:
        """After permissions, before the body is read: what the URL names must exist (404)."""


class OrgGenericViewSet(TenantAPIMixin, viewsets.GenericViewSet):
    """Coach-side base: reads scoped to the organisation, writes stamped with it.

    Subclasses set `queryset` (an OrgOwned model), `serializer_class`,
    `required_capability` and, where writes need more, `write_capability`, and compose
    DRF's mixins (or use OrgViewSet / OrgReadOnlyViewSet). Writes with side effects
    override perform_create/update/destroy to call a service.
    """

    permission_classes = [IsAuthenticated, IsOrgMember, HasCapability]
    required_capability: str | None = None
    write_capability: str | None = None

    @property
    def organization(self):
        return self.request.tenant.organization

    def get_queryset(self):
        return super().get_queryset().for_org(self.organization)

    def perform_create(self, serializer):
        serializer.save(organization=self.organization)


class NestedRouteMixin:
    """Rows under a parent: `/clients/{client_pk}/notes/`.

    `parent_lookups = {"client_pk": ("client", "clients.Client")}` names the URL kwarg,
    the field of the child that points at the parent, and the parent's model. Every
    request first finds the parent in the request's organisation, so a parent of another
    business (or none) is a 404 for lists and creates too, never an empty list; the rows
    are those of that parent only. `get_parent()` returns it (looked up once).
    The cross-tenant and fuzz tests read `parent_lookups` to build the URLs.
    """

    parent_lookups: dict[str, tuple[str, str]] = {}

    def check_route(self, request) -> None:
        super().check_route(request)
        for kwarg in self.parent_lookups:
            self.get_parent(kwarg)

    def get_parent(self, kwarg: str | None = None):
        kwarg = kwarg or next(iter(self.parent_lookups))
        cache = self.__dict__.setdefault("_parents", {})
        if kwarg not in cache:
            from django.apps import apps
            from django.shortcuts import get_object_or_404

            _field, label = self.parent_lookups[kwarg]
            model = apps.get_model(label)
            cache[kwarg] = get_object_or_404(
                model.objects.for_org(self.request.tenant.organization), pk=self.kwargs.get(kwarg)
            )
        return cache[kwarg]

    def get_queryset(self):
        qs = super().get_queryset()
        for kwarg, (field, _label) in self.parent_lookups.items():
            qs = qs.filter(**{f"{field}_id": self.kwargs.get(kwarg)})
        return qs


class OrgViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    """Full CRUD for coaches."""


class OrgReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgGenericViewSet):
    """List and retrieve for coaches."""


class ClientOwnedQuerysetMixin:
    """The signed-in client's own rows: `client_field` names the path to the Client."""

    client_field = "client"

    def get_queryset(self):
        tenant = self.request.tenant
        qs = super().get_queryset().for_org(tenant.organization)
        return qs.filter(**{self.client_field: tenant.client})


class ClientViewSet(TenantAPIMixin, ClientOwnedQuerysetMixin, viewsets.GenericViewSet):
    """Client-side (`/api/v1/me/...`): only the signed-in client's own records.

    Compose with DRF's mixins for the actions a client may take.
    """

    permission_classes = [IsAuthenticated, IsClient]


class ClientReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientViewSet):
    pass


class TenantAPIView(TenantAPIMixin, viewsets.GenericViewSet):
    """A view with no queryset of its own (for example `/me/`): subclasses say why in
    `tenant_exempt` and return only the signed-in person's data."""

    tenant_exempt = ""


def error_response(message: str, status: int = 400, field: str | None = None) -> Response:
    errors = {field: [message]} if field else {}
    return Response({"detail": message, "errors": errors}, status=status)


class TimeZoneField(serializers.CharField):
    """An IANA time zone name such as `Europe/London`."""

    def __init__(self, **kwargs):
        from mecto.localization import validate_time_zone

        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("help_text", "IANA time zone name, for example Europe/London.")
        super().__init__(validators=[validate_time_zone], **kwargs)


def scope_parameter(rows: str):
    """The `?scope=mine|all` query parameter of a list (mecto/scope.py), for `extend_schema`."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter

    return OpenApiParameter(
        "scope",
        OpenApiTypes.STR,
        enum=["mine", "all"],
        description=(
            f"`mine`: {rows}; `all`: the whole business. Coaches start on `mine`, owners and assistants "
            "on `all`; without the capability `clients.view_all`, `all` is ignored and the answer is `mine`."
        ),
    )
