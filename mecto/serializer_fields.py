"""Model serializers build their fields once per class, not once per serializer.

DRF's `ModelSerializer.get_fields()` introspects the model and builds every field (kwargs,
validators, related querysets) each time a serializer is made: 3–8 ms per request for the
clients or bookings list, the same work every time. What it builds depends only on the class
(its Meta and declared fields), so `install()` (at `MectoConfig.ready()`) keeps the built fields
per class and hands each serializer a deep copy, as DRF already does for declared fields: every
serializer still binds its own field instances, and subclasses that change `get_fields()` change
their copy.

A class is cached only when it leaves the introspection hooks as DRF wrote them (a class that
overrides `build_field`, `get_field_names`, `get_extra_kwargs`... might build from its context)
and the serializer uses its class's Meta and declared fields.
"""

from __future__ import annotations

import copy
import weakref

from rest_framework import serializers

HOOKS = (
    "get_field_names",
    "get_default_field_names",
    "get_extra_kwargs",
    "include_extra_kwargs",
    "get_uniqueness_extra_kwargs",
    "build_field",
    "build_standard_field",
    "build_relational_field",
    "build_nested_field",
    "build_property_field",
    "build_url_field",
    "build_unknown_field",
)

_built: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _cacheable(serializer) -> bool:
    cls = type(serializer)
    base = serializers.ModelSerializer
    return (
        all(getattr(cls, hook) is getattr(base, hook) for hook in HOOKS)
        and serializer.__dict__.get("Meta") is None
        and serializer._declared_fields is cls._declared_fields
    )


def install() -> None:
    """Wrap `ModelSerializer.get_fields` with the per-class cache (once)."""
    original = serializers.ModelSerializer.get_fields
    if getattr(original, "cached_per_class", False):
        return

    def get_fields(self):
        if not _cacheable(self):
            return original(self)
        cls = type(self)
        built = _built.get(cls)
        if built is None:
            built = _built[cls] = original(self)
        return copy.deepcopy(built)

    get_fields.cached_per_class = True
    get_fields.__doc__ = original.__doc__
    serializers.ModelSerializer.get_fields = get_fields
