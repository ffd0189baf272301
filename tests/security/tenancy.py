"""The cross-tenant checker: walks every route under /api/v1/ in the URL resolver and
proves that a business never sees, changes or links another business's rows, and that a
client never sees another client's.

`check_routes()` returns a list of violations (empty = safe); the tests assert it is empty
for the real API and non-empty for a deliberately leaky API (so the checker can fail).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, RelatedField
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from accounts.models import User
from mecto.api_base import ClientViewSet, OrgGenericViewSet, TenantAPIView
from mecto.tenancy import Tenant
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory, UserFactory, factory_for

API_PREFIX = "api/v1/"
SAFE = ("get", "head", "options")


@dataclass
class Route:
    name: str
    path: str
    view: type
    actions: dict
    kwargs: list[str]
    initkwargs: dict

    @property
    def lookup(self) -> str:
        return getattr(self.view, "lookup_url_kwarg", None) or getattr(self.view, "lookup_field", "pk")

    @property
    def is_detail(self) -> bool:
        return self.lookup in self.kwargs


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def api_routes(urlconf=None) -> list[Route]:
    routes = []
    for path, pattern in _walk(get_resolver(urlconf).url_patterns):
        if not path.lstrip("^").startswith(API_PREFIX):
            continue
        callback = pattern.callback
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if view is None:
            routes.append(Route(pattern.name or path, path, type(None), {}, [], {}))
            continue
        routes.append(
            Route(
                name=pattern.name,
                path=path,
                view=view,
                actions=dict(getattr(callback, "actions", None) or {}),
                kwargs=list(pattern.pattern.regex.groupindex),
                initkwargs=getattr(callback, "initkwargs", {}),
            )
        )
    return routes


class World:
    """Two businesses: A owns the data; B's owner and A's other client try to reach it."""

    def __init__(self):
        self.org_a = OrganizationFactory()
        self.org_b = OrganizationFactory()
        self.owner_a = MembershipFactory(organization=self.org_a, role="owner").user
        self.owner_b = MembershipFactory(organization=self.org_b, role="owner").user
        self.client_a1 = self._client(self.org_a)
        self.client_a2 = self._client(self.org_a)
        self.client_b = self._client(self.org_b)

    @staticmethod
    def _client(org):
        user = UserFactory()
        return ClientFactory(organization=org, user=user, email=user.email)

    @staticmethod
    def api(user) -> APIClient:
        api = APIClient()
        api.force_authenticate(user)
        return api


def _model_of(view):
    queryset = getattr(view, "queryset", None)
    return queryset.model if queryset is not None else None


def _make(model, world: World, org, client=None, parents=None):
    """A row of `model` in `org` (for a client when given), via its registered factory."""
    if model is User:
        return MembershipFactory(organization=org).user
    if model is type(world.client_a1) and client is None:
        return ClientFactory(organization=org)
    factory = factory_for(model)
    if factory is None:
        raise LookupError(f"no factory registered for {model._meta.label}; add one in tests/<app>/factories.py")
    kwargs = {"organization": org, **(parents or {})}
    if client is not None:
        kwargs["client"] = client
    return factory(**kwargs)


def _parents(route: Route, world: World, org) -> tuple[dict, dict]:
    """URL kwargs for nested routes, from the view's `parent_lookups` {kwarg: (field, model label)}."""
    url_kwargs, fields = {}, {}
    for kwarg, (field, label) in getattr(route.view, "parent_lookups", {}).items():
        if kwarg in route.kwargs:
            parent = _make(apps.get_model(label), world, org)
            url_kwargs[kwarg] = parent.pk
            fields[field] = parent
    return url_kwargs, fields


def _ids(response) -> set:
    data = response.data
    if isinstance(data, dict) and "results" in data:
        data = data["results"]
    if not isinstance(data, list):
        return set()
    return {str(row.get("id")) for row in data if isinstance(row, dict)} | {
        str(row.get("public_id")) for row in data if isinstance(row, dict) and row.get("public_id")
    }


def _obj_keys(obj) -> set:
    keys = {str(obj.pk)}
    if getattr(obj, "public_id", None):
        keys.add(str(obj.public_id))
    return keys


def _call(api, method, url, data=None):
    fn = getattr(api, method)
    if method in SAFE or method == "delete":
        return fn(url)
    return fn(url, data=json.dumps(data or {}), content_type="application/json")


def _related_fields(route: Route, world: World) -> dict[str, serializers.Field]:
    view = route.view(**route.initkwargs)
    view.action = "create"
    view.format_kwarg = None
    view.kwargs = {}
    factory_request = APIRequestFactory().post("/")
    factory_request.user = world.owner_b
    request = Request(factory_request)
    request.user = world.owner_b
    request.tenant = Tenant(organization=world.org_b, membership=world.owner_b.memberships.first())
    view.request = request
    serializer = view.get_serializer()
    found = {}
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if isinstance(field, ManyRelatedField):
            found[name] = field.child_relation
        elif isinstance(field, RelatedField):
            found[name] = field
    return found


def check_routes(urlconf=None) -> list[str]:
    world = World()
    violations: list[str] = []
    routes = api_routes(urlconf)
    if not routes:
        return ["no routes found under /api/v1/"]
    for route in routes:
        view = route.view
        label = f"{route.name} ({route.path})"
        if issubclass(view, TenantAPIView):
            if not view.tenant_exempt:
                violations.append(f"{label}: TenantAPIView without a tenant_exempt reason")
            continue
        if not issubclass(view, (OrgGenericViewSet, ClientViewSet)):
            violations.append(f"{label}: {view.__name__} does not derive from the tenancy base viewsets")
            continue
        model = _model_of(view)
        if model is None or not hasattr(model.objects, "for_org") and model is not User:
            violations.append(f"{label}: queryset model is not organisation-owned")
            continue
        try:
            if issubclass(view, ClientViewSet):
                violations += _check_client_route(route, world, model, label)
            else:
                violations += _check_coach_route(route, world, model, label)
        except LookupError as exc:
            violations.append(f"{label}: {exc}")
    return violations


def _url(route: Route, kwargs: dict) -> str:
    return reverse(route.name, kwargs=kwargs)


def _check_coach_route(route, world, model, label) -> list[str]:
    out = []
    parent_kwargs, parent_fields = _parents(route, world, world.org_a)
    obj = _make(model, world, world.org_a, parents=parent_fields)
    api_b = world.api(world.owner_b)
    if route.is_detail:
        url = _url(route, {**parent_kwargs, route.lookup: getattr(obj, route.lookup if route.lookup != "pk" else "pk")})
        for method, action in route.actions.items():
            if method in ("head", "options"):
                continue
            response = _call(api_b, method, url, {})
            if response.status_code not in (404, 405):
                out.append(f"{label}: {method.upper()} {action} on another business's row gave {response.status_code}")
    else:
        url = _url(route, parent_kwargs)
        if "get" in route.actions and route.actions["get"] == "list":
            response = api_b.get(url)
            if response.status_code == 200 and _ids(response) & _obj_keys(obj):
                out.append(f"{label}: list shows another business's row")
            elif response.status_code not in (200, 404):
                out.append(f"{label}: list as another business's owner gave {response.status_code}")
        if route.actions.get("post") == "create":
            if parent_kwargs:
                # Under another business's parent, a create is a 404 and stores nothing.
                before = model.objects.count()
                response = _call(api_b, "post", url, {})
                if response.status_code != 404:
                    out.append(f"{label}: create under another business's parent gave {response.status_code}")
                if model.objects.count() != before:
                    out.append(f"{label}: create under another business's parent stored a row")
                # The related-id checks below post under the business's own parent.
                url = _url(route, _parents(route, world, world.org_b)[0])
            for name, field in _related_fields(route, world).items():
                related_model = field.queryset.model if field.queryset is not None else None
                if related_model is None:
                    continue
                foreign = _make(related_model, world, world.org_a)
                value = (
                    [foreign.pk]
                    if isinstance(field.parent, ManyRelatedField) or field.field_name is None
                    else foreign.pk
                )
                before = model.objects.count()
                response = _call(api_b, "post", url, {name: value})
                errors = (response.data or {}).get("errors", {}) if isinstance(response.data, dict) else {}
                if response.status_code != 400 or name not in errors:
                    out.append(
                        f"{label}: create with another business's {name} id gave {response.status_code} "
                        f"(expected 400 naming '{name}')"
                    )
                if model.objects.count() != before:
                    out.append(f"{label}: create with another business's {name} id stored a row")
    return out


def _check_client_route(route, world, model, label) -> list[str]:
    out = []
    obj = _make(model, world, world.org_a, client=world.client_a1)
    for intruder in (world.client_a2.user, world.client_b.user, world.owner_b):
        api = world.api(intruder)
        if route.is_detail:
            url = _url(route, {route.lookup: getattr(obj, route.lookup)})
            for method, action in route.actions.items():
                if method in ("head", "options"):
                    continue
                response = _call(api, method, url, {})
                if response.status_code not in (403, 404, 405):
                    out.append(
                        f"{label}: {intruder} {method.upper()} {action} on another client's row gave "
                        f"{response.status_code}"
                    )
        elif route.actions.get("get") == "list":
            response = api.get(_url(route, {}))
            if response.status_code == 200 and _ids(response) & _obj_keys(obj):
                out.append(f"{label}: {intruder} sees another client's rows")
    return out
