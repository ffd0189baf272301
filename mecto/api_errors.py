"""One error shape for the whole API: {"detail": "...", "errors": {"field": ["..."]}}.

`errors` maps a field to its messages; a problem inside a list or a nested object is named by
its path (`lines.0.tax_rate`). Requests DRF never sees answer in the same shape: an unknown
URL under /api/ (`not_found`) and a server error (`server_error`)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, parsers, serializers
from rest_framework.views import exception_handler as drf_exception_handler

from mecto.errors import DomainError


def exception_handler(exc, context):
    """Every error the API returns has the same shape and never a traceback."""
    if isinstance(exc, DomainError):
        exc = exceptions.ValidationError(exc.as_dict())
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(data if isinstance(data, dict) else {"non_field_errors": data})
        detail = _("Please correct the errors below.")
        if list(errors) == ["non_field_errors"] and errors["non_field_errors"]:
            first = errors["non_field_errors"][0]
            detail = str(first) if not isinstance(first, (dict, list)) else detail
        response.data = {"detail": detail, "errors": errors}
    else:
        detail = data.get("detail", "") if isinstance(data, dict) else str(data)
        response.data = {"detail": str(detail), "errors": {}}
    return response


def flatten_errors(errors) -> dict[str, list[str]]:
    """{"lines": [{}, {"tax_rate": ["..."]}]} -> {"lines.1.tax_rate": ["..."]}: one list of
    messages per field path, so every error body has the documented shape."""
    flat: dict[str, list[str]] = {}

    def walk(value, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                # A nested object's own errors belong to it: {"lines": {"non_field_errors": [...]}}
                # is "lines", not "lines.non_field_errors".
                inner = path if path and key == "non_field_errors" else (f"{path}.{key}" if path else str(key))
                walk(item, inner)
        elif isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
            for index, item in enumerate(value):
                walk(item, f"{path}.{index}" if path else str(index))
        elif isinstance(value, list):
            flat.setdefault(path or "non_field_errors", []).extend(str(item) for item in value)
        else:
            flat.setdefault(path or "non_field_errors", []).append(str(value))

    walk(errors, "")
    return flat


class JSONObjectParser(parsers.JSONParser):
    """A JSON body is an object (or empty): `true`, `1`, `null` or a list is a 400, so
    `request.data` is always a mapping wherever it is read, permissions included."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise exceptions.ParseError(_("The body must be a JSON object."))
        return data


def _error_json(message: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": message, "errors": {}}, status=status)


def not_found(request, exception=None):
    """handler404: JSON under /api/, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return _error_json(str(exceptions.NotFound.default_detail), 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: JSON under /api/ (never a traceback), the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return _error_json(_("Something went wrong on our side. Please try again."), 500)
    return defaults.server_error(request)


class ErrorSerializer(serializers.Serializer):
    """The shape of every error response."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
