"""The OpenAPI schema says what the API really sends (drf-spectacular's AutoSchema, set as
DRF's DEFAULT_SCHEMA_CLASS): every error status an operation can answer with the one error
body, nullable and blank read-only fields as their model allows, local times as HH:MM:SS,
slugs in any script, and pagination only where DRF paginates (the `list` action)."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from mecto.api_errors import ErrorSerializer

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Query parameters that never make a request invalid: a bad page or cursor is a 404, an unknown
# ordering or page size is ignored.
LENIENT_QUERY = {"page", "page_size", "cursor", "search", "ordering"}
# A local wall-clock time, as DRF writes and reads it (no UTC offset: the zone is the coach's,
# the business's or the client's).
LOCAL_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for code, description in self._error_statuses(operation):
            if code not in operation["responses"]:
                error = OpenApiResponse(ErrorSerializer, description=description)
                operation["responses"][code] = self._get_response_for_code(error, code)
        return operation

    def _error_statuses(self, operation) -> list[tuple[str, str]]:
        """The error statuses this operation can answer with, each with the error body."""
        statuses = []
        query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        if self.method in WRITE_METHODS or query - LENIENT_QUERY:
            statuses.append(("400", "The input is invalid: `errors` names each field and its problems."))
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            statuses.append(("403", "Not signed in, or not allowed to do this."))
        if "{" in self.path or self._get_paginator() is not None:
            statuses.append(("404", "Not found (or of another business), or no such page."))
        if self.method in WRITE_METHODS:
            statuses.append(("415", "The body is not in one of the accepted media types."))
        if self.view.get_throttles():
            statuses.append(("429", "Too many requests: try again after `Retry-After` seconds."))
        return statuses

    def _get_paginator(self):
        # DRF paginates the `list` action only; other actions answer a plain array.
        if getattr(self.view, "action", "list") != "list":
            return None
        return super()._get_paginator()

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        if isinstance(field, serializers.SlugField) and field.allow_unicode:
            # `\w` in an OpenAPI (ECMA 262) pattern is ASCII only; these slugs take any script.
            for part in (schema, *schema.get("oneOf", [])):
                part.pop("pattern", None)

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if field.read_only:
            _allow_what_the_model_allows(field)
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.TimeField) and schema and schema.get("format") == "time":
            # OpenAPI's `time` is RFC 3339 full-time, which requires a UTC offset.
            del schema["format"]
            schema["pattern"] = LOCAL_TIME
            schema.setdefault("example", "07:00:00")
        return schema


def _allow_what_the_model_allows(field) -> None:
    """A read-only field that reads a model field (`author`, `session.video_provider`) is null
    when the model field or a relation on the way is null, and may be "" when the model field
    is a blank-able text field. DRF drops `allow_blank` from read-only model fields and never
    sets `allow_null` on declared ones, so the schema would otherwise claim a value."""
    parent = field.parent
    model = getattr(getattr(parent, "Meta", None), "model", None)
    if model is None or not field.source or field.source == "*":
        return
    nullable, model_field = False, None
    for name in field.source.split("."):
        if model is None:
            return
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a property or method: its type hint is the truth
            return
        if model_field.is_relation:
            if model_field.many_to_many or model_field.one_to_many:
                return
            nullable = nullable or model_field.null or not model_field.concrete
            model = model_field.related_model
        else:
            nullable = nullable or model_field.null
            model = None
    if model_field is None:
        return
    if nullable:
        field.allow_null = True
    if (
        not model_field.is_relation
        and model_field.blank
        and isinstance(model_field, (models.CharField, models.TextField))
        and hasattr(field, "allow_blank")
    ):
        field.allow_blank = True
