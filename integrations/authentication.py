"""`Authorization: Bearer mecto_pat_…` for the REST API.

The token acts within its business with the role of the owner who created it, narrowed by
its scopes: each view maps to a resource (`token_resource`, else the app its module is
in); safe methods need read, others write. Views with no resource (the client's `/me/`,
accounts, token management) refuse tokens. The app's allauth session tokens travel in
`X-Session-Token` and are untouched.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

from mecto.tenancy import Tenant
from mecto.throttling import CountingRateThrottle

from .models_tokens import RESOURCES, ApiToken

KEYWORD = b"bearer"


def resource_of(view) -> str | None:
    """The scope resource a view belongs to, or None when tokens may not use it."""
    from mecto.api_base import ClientViewSet, TenantAPIView

    if view is None:
        return None
    if "token_resource" in dir(view):
        return view.token_resource or None
    if isinstance(view, (ClientViewSet, TenantAPIView)):
        return None
    app = type(view).__module__.split(".")[0]
    return app if app in RESOURCES else None


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != KEYWORD or len(auth) != 2:
            return None
        try:
            raw = auth[1].decode()
        except UnicodeError:
            return None
        if not raw.startswith("mecto_pat_"):
            return None  # someone else's bearer scheme
        from .services_tokens import find_token, touch

        token = find_token(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This API token is invalid, expired or revoked."))
        membership = token.created_by.memberships.filter(organization=token.organization).first()
        if membership is None or not token.created_by.is_active:
            raise exceptions.AuthenticationFailed(_("The person who created this token has left the business."))
        view = (getattr(request, "parser_context", None) or {}).get("view")
        resource = resource_of(view)
        write = request.method not in SAFE_METHODS
        if not token.allows(resource, write):
            raise exceptions.PermissionDenied(
                _("This token has no %(level)s access to %(resource)s.")
                % {"level": _("write") if write else _("read"), "resource": resource or _("this route")}
            )
        touch(token, request.META.get("REMOTE_ADDR"))
        user = token.created_by
        # The request works in the token's business, whatever header or session says.
        request._request._mecto_tenant = (
            user.pk,
            Tenant(organization=token.organization, membership=membership, memberships=[membership]),
        )
        return user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ApiTokenRateThrottle(CountingRateThrottle, SimpleRateThrottle):
    """Requests per token (each token has its own budget, apart from its owner's)."""

    scope = "api_token"
    default_rate = "600/minute"

    def get_rate(self):
        return self.THROTTLE_RATES.get(self.scope) or self.default_rate

    def get_cache_key(self, request, view):
        if not isinstance(getattr(request, "auth", None), ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


try:
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class ApiTokenScheme(OpenApiAuthenticationExtension):
        target_class = "integrations.authentication.ApiTokenAuthentication"
        name = "apiToken"

        def get_security_definition(self, auto_schema):
            return {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "mecto_pat_…",
                "description": "An API token of the business (Settings → Developers), with scopes per resource.",
            }
except ImportError:  # pragma: no cover
    pass
