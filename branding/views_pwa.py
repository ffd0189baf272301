"""The installable app's files: manifest, icons, service worker, offline page and the session
details the service worker needs to send what was saved offline."""

import json

from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from accounts.models import Organization
from mecto.branding import brand_for

from . import pwa

YEAR = 60 * 60 * 24 * 365


@require_safe
def manifest(request):
    """The manifest of the requester's business (the platform's for anyone else)."""
    response = HttpResponse(
        json.dumps(pwa.manifest(request), ensure_ascii=False), content_type="application/manifest+json"
    )
    # It follows the signed-in person: never shared by a cache, revalidated on every fetch.
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def _icon_response(organization, version: str, purpose: str, size: int) -> HttpResponse:
    if size not in pwa.ICON_SIZES or purpose not in pwa.PURPOSES:
        raise Http404
    brand = brand_for(organization)
    if version != pwa.icon_version(brand):
        # An old version is gone: its manifest is stale and will be fetched again.
        raise Http404
    response = HttpResponse(pwa.icon_png(organization, brand, size=size, purpose=purpose), content_type="image/png")
    # The URL changes with the brand, so the file under it never does.
    patch_cache_control(response, public=True, max_age=YEAR, immutable=True)
    return response


@require_safe
def icon(request, slug, version, purpose, size):
    """A business's app icon. Public like its logo (the browser fetches icons without cookies),
    but only under the version its current manifest names."""
    return _icon_response(get_object_or_404(Organization, slug=slug), version, purpose, size)


@require_safe
def platform_icon(request, version, purpose, size):
    return _icon_response(None, version, purpose, size)


@require_safe
def service_worker(request):
    body = render_to_string("pwa/sw.js", {"config": pwa.service_worker_config_json(request)}, request=request)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    patch_cache_control(response, no_cache=True, private=True)
    patch_vary_headers(response, ["Cookie"])
    return response


@require_safe
def offline(request):
    """What the app shows for a page it has not kept while there is no connection."""
    response = render(request, "pwa/offline.html")
    patch_cache_control(response, no_cache=True, private=True)
    return response


@require_safe
def session(request):
    """A fresh CSRF token and the signed-in person's key: the service worker sends what was
    saved offline with these, and only a person's own entries. Same-origin only (no CORS)."""
    response = JsonResponse({"csrfToken": get_token(request), "user": pwa.user_key(request.user)})
    patch_cache_control(response, no_store=True, private=True)
    return response
