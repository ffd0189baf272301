"""One error shape for the whole API: {"detail": "...", "errors": {"field": ["..."]}}."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
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
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        detail = _("Please correct the errors below.")
        if list(errors) == ["non_field_errors"] and errors["non_field_errors"]:
            first = errors["non_field_errors"][0]
            detail = str(first) if not isinstance(first, (dict, list)) else detail
        response.data = {"detail": detail, "errors": errors}
    else:
        detail = data.get("detail", "") if isinstance(data, dict) else str(data)
        response.data = {"detail": str(detail), "errors": {}}
    return response


class ErrorSerializer(serializers.Serializer):
    """The shape of every error response."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
