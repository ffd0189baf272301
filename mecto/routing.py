"""URL resolution that tries only the routes that can match the path's first segment.

Django walks a urlconf's patterns in order and tries each one's regular expression: the API's
~370 routes sit in a dozen app includes mounted at "", so a request for `exercises/44/` tried
hundreds of patterns (and built a "tried" list for each) before reaching its own. An
`IndexedURLResolver` flattens the includes that add nothing (no prefix, namespace or kwargs),
groups its routes by the literal first path segment they start with, and hands a path only the
routes of its segment plus those whose first segment is not literal, in their original order: the
first route that matches is the one Django would have chosen. Reversing URLs is unchanged.
"""

from __future__ import annotations

from django.urls import URLResolver, include
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.functional import cached_property

_REGEX_SPECIAL = set(".^$*+?{}[]\\|()")


def _literal_prefix(pattern) -> str:
    """The characters every path this pattern matches starts with."""
    if isinstance(pattern, RoutePattern):
        return str(pattern._route).split("<", 1)[0]
    if isinstance(pattern, RegexPattern):
        regex = str(pattern._regex).removeprefix("^")
        prefix = []
        for char in regex:
            if char in _REGEX_SPECIAL:
                break
            prefix.append(char)
        return "".join(prefix)
    return ""


def _first_segment(prefix: str) -> str | None:
    """The first path segment when it is entirely literal (`exercises/` -> `exercises`), else None."""
    return prefix.split("/", 1)[0] if "/" in prefix else None


def _transparent(resolver: URLResolver) -> bool:
    return (
        str(resolver.pattern) in ("", "^")
        and not resolver.namespace
        and not resolver.app_name
        and not resolver.default_kwargs
    )


def _flatten(patterns) -> list:
    flat = []
    for item in patterns:
        if isinstance(item, URLResolver) and _transparent(item):
            flat.extend(_flatten(item.url_patterns))
        else:
            flat.append(item)
    return flat


class IndexedURLResolver(URLResolver):
    """A URLResolver that resolves through per-segment buckets of its routes (see the module)."""

    @cached_property
    def _buckets(self) -> tuple[dict[str, URLResolver], URLResolver]:
        routes = _flatten(self.url_patterns)
        keys = [_first_segment(_literal_prefix(item.pattern)) for item in routes]

        def bucket(segment):
            chosen = [item for item, key in zip(routes, keys, strict=True) if key is None or key == segment]
            return URLResolver(
                self.pattern, chosen, self.default_kwargs, app_name=self.app_name, namespace=self.namespace
            )

        return {key: bucket(key) for key in set(keys) if key is not None}, bucket(None)

    def resolve(self, path):
        path = str(path)
        match = self.pattern.match(path)
        if not match:
            return super().resolve(path)  # not ours: Django's own 404 with its "tried" list
        rest = match[0]
        by_segment, others = self._buckets
        segment = rest.split("/", 1)[0] if "/" in rest else None
        return by_segment.get(segment, others).resolve(path)


def indexed_path(route: str, urlconf: str) -> IndexedURLResolver:
    """`path(route, include(urlconf))`, resolved through an IndexedURLResolver."""
    urlconf_module, app_name, namespace = include(urlconf)
    return IndexedURLResolver(
        RoutePattern(route, is_endpoint=False), urlconf_module, app_name=app_name, namespace=namespace
    )
