"""Requests on a business's custom domain (see `mecto.domains`).

`CustomDomainMiddleware` (after authentication, before the tenant): on a verified custom domain
the request belongs to that business. Someone signed in who has no role in it is signed out of
that host (their session there ends; their own business's address is untouched), so nothing of
another business is ever shown under this one's name. The root `/` leads a stranger to the
business's booking page (its sign-in page when clients can't book), a client to the portal and a
member to the dashboard. The back office and the platform's sign-up stay on the platform's hosts,
and a public page of another business (`/book/<other-slug>/`) is a 404 here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from mecto import domains
from mecto.branding import brand_for
from mecto.tenancy import get_tenant

# URL names that only the platform's own hosts serve.
PLATFORM_ONLY = {"account_signup", "accounts:create_organization", "accounts:switch_organization", "ops_status"}
PLATFORM_ONLY_NAMESPACES = {"admin"}


class CustomDomainMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hosted = domains.for_request(request)
        if hosted is None:
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and get_tenant(request).organization is None:
            logout(request)
            messages.warning(
                request,
                _("You were signed out: this address belongs to another business. Sign in on your own business's."),
            )
        if request.path_info == "/":
            return redirect(self.home(request, hosted))
        return self.get_response(request)

    @staticmethod
    def home(request, hosted) -> str:
        tenant = get_tenant(request)
        if tenant.is_member:
            return "dashboard"
        if tenant.is_client:
            return "portal:home"
        from django.apps import apps
        from django.urls import reverse

        organization = apps.get_model("accounts", "Organization").objects.filter(pk=hosted.organization_id).first()
        if organization is None or not brand_for(organization).shows("booking"):
            return reverse("account_login")
        return reverse("booking:public_org", args=[hosted.slug])

    def process_view(self, request, view_func, view_args, view_kwargs):
        hosted = getattr(request, "_mecto_hosted", None)
        if hosted is None:
            return None
        match = request.resolver_match
        if match is not None and (match.view_name in PLATFORM_ONLY or PLATFORM_ONLY_NAMESPACES & set(match.namespaces)):
            raise Http404
        slug = view_kwargs.get("org_slug")
        if slug is not None and slug != hosted.slug:
            raise Http404
        return None
