"""Conditional GET and a shared response cache for read-mostly catalogue data (the exercise
library is the same for every business until a business changes an exercise).

A catalogue is described by *scopes*: names whose version changes whenever a row behind them
does (`bump`). A response's ETag is a digest of its full URL, the language, the business and
the versions of its scopes, so it is known before any query runs:

- `If-None-Match` with that ETag is a `304` with no body (authentication, tenancy,
  permissions and throttles have already run: the view's `initial()` comes first);
- otherwise the rendered body is taken from the shared cache under the ETag, or built,
  rendered and stored there for `CATALOGUE_CACHE_SECONDS`.

Versions are random tokens, never counters: a version lost from the cache comes back as a new
token, so an old body can never be served under it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from functools import cached_property

from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

__all__ = ["CATALOGUE_CACHE_SECONDS", "CachedCatalogueMixin", "bump", "versions"]

CATALOGUE_CACHE_SECONDS = 600
_VERSION_KEY = "catalogue-version:{}"
_BODY_KEY = "catalogue-body:{}"
# Raised when what a catalogue response prints changes shape (a field added, renamed).
SHAPE = "1"


class CachedBodyResponse(HttpResponse):
    """A rendered body from the cache; `data` reads it back like a DRF Response's (for callers
    and tests that look at the answer, not the bytes)."""

    @cached_property
    def data(self):
        return json.loads(self.content) if self.content else None


def bump(*scopes: str) -> None:
    """A row behind these scopes changed: every cached response over them is stale."""
    cache.set_many({_VERSION_KEY.format(scope): secrets.token_hex(8) for scope in scopes}, timeout=None)


def versions(scopes: list[str]) -> list[str]:
    """The current version of each scope (one cache round trip); a missing one is made anew."""
    keys = [_VERSION_KEY.format(scope) for scope in scopes]
    found = cache.get_many(keys)
    missing = {key: secrets.token_hex(8) for key in keys if key not in found}
    if missing:
        # add(): two processes minting a version at once agree on the first one stored.
        for key, token in missing.items():
            if not cache.add(key, token, timeout=None):
                missing[key] = cache.get(key) or token
        found.update(missing)
    return [found[key] for key in keys]


def _matches(header: str, etag: str) -> bool:
    candidates = [tag.strip() for tag in header.split(",")]
    return "*" in candidates or etag in candidates or f"W/{etag}" in candidates


class CachedCatalogueMixin:
    """For list and retrieve of a catalogue viewset: ETag, `304`, and bodies from the shared
    cache. The view says which scopes its answer depends on (`catalogue_scopes`) and when an
    answer is personal and must not be shared (`catalogue_cacheable`)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # The scopes are what makes a cached answer go stale: a view without them must not start.
        if not callable(getattr(cls, "catalogue_scopes", None)):
            raise TypeError(f"{cls.__name__} uses CachedCatalogueMixin without catalogue_scopes()")

    def catalogue_cacheable(self) -> bool:
        return True

    def list(self, request, *args, **kwargs):
        return self._conditional(lambda: super(CachedCatalogueMixin, self).list(request, *args, **kwargs))

    def retrieve(self, request, *args, **kwargs):
        return self._conditional(lambda: super(CachedCatalogueMixin, self).retrieve(request, *args, **kwargs))

    def _etag(self) -> str:
        request = self.request
        tenant = getattr(request, "tenant", None)
        organization = getattr(tenant, "organization", None)
        parts = [
            SHAPE,
            request.build_absolute_uri(),
            translation.get_language() or "",
            str(getattr(organization, "pk", "")),
            *versions(self.catalogue_scopes()),
        ]
        return '"' + hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest() + '"'

    def _conditional(self, build):
        request = self.request
        if not isinstance(getattr(request, "accepted_renderer", None), JSONRenderer) or not self.catalogue_cacheable():
            return build()
        etag = self._etag()
        if _matches(request.headers.get("If-None-Match", ""), etag):
            return self._headers(CachedBodyResponse(status=status.HTTP_304_NOT_MODIFIED), etag)
        body = cache.get(_BODY_KEY.format(etag))
        if body is None:
            response = build()
            if not isinstance(response, Response) or response.status_code != status.HTTP_200_OK:
                return response
            body = request.accepted_renderer.render(
                response.data, request.accepted_media_type, self.get_renderer_context()
            )
            cache.set(_BODY_KEY.format(etag), body, timeout=CATALOGUE_CACHE_SECONDS)
        return self._headers(CachedBodyResponse(body, content_type=request.accepted_media_type), etag)

    @staticmethod
    def _headers(response, etag):
        response["ETag"] = etag
        # Per person (the answer needs their session), and always revalidated: a change shows at once.
        response["Cache-Control"] = "private, no-cache"
        patch_vary_headers(response, ["Accept-Language", "Authorization", "X-Session-Token", "Cookie"])
        return response
