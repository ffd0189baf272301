"""Brand API: GET /api/v1/brand/ for every member; PATCH and PUT (JSON or multipart with the
logo and icon), and the logo and icon upload routes, for the owner only.

API tokens cannot use these routes: the brand is a setting of the business, like its name
and team, not data an integration reads or writes (tokens scope data resources)."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from mecto.api_base import ErrorSerializer, JSONObjectParser, OrgGenericViewSet, TenantAPIView
from mecto.errors import DomainError

from .. import selectors, services
from ..models import BrandSettings
from .serializers import BrandFileSerializer, BrandSettingsSerializer, BrandUpdateSerializer

CHANGE_CAPABILITY = "org.manage"
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer}


class _BrandAPIView(TenantAPIView):
    tenant_exempt = "Reads and writes only the request's business's own brand row."
    permission_classes = OrgGenericViewSet.permission_classes
    required_capability = None  # every member reads the brand
    token_resource = None  # API tokens may not use it (see the module docstring)
    parser_classes = [JSONObjectParser, MultiPartParser, FormParser]

    def _row(self, request) -> BrandSettings:
        """The saved brand, or an unsaved row with the defaults (what the pages show)."""
        row = selectors.brand_settings_of(request.tenant.organization)
        return row if row is not None else BrandSettings(organization=request.tenant.organization)

    def _require_owner(self, request) -> None:
        if not request.tenant.can(CHANGE_CAPABILITY):
            raise PermissionDenied("Only the business's owner can change its brand.")

    def _answer(self, request, code=status.HTTP_200_OK) -> Response:
        return Response(BrandSettingsSerializer(self._row(request)).data, status=code)


class BrandView(_BrandAPIView):
    serializer_class = BrandSettingsSerializer

    @extend_schema(summary="The business's brand", responses={200: BrandSettingsSerializer, 403: ErrorSerializer})
    def retrieve(self, request):
        return self._answer(request)

    def _save(self, request, *, partial: bool) -> Response:
        self._require_owner(request)
        body = BrandUpdateSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        files = {name: data.pop(name, None) for name in ("logo", "icon", "remove_logo", "remove_icon")}
        if not partial:
            defaults = BrandSettings()
            for name in services.FIELDS:
                data.setdefault(name, getattr(defaults, name))
        organization, actor = request.tenant.organization, request.user
        with transaction.atomic():  # a refused logo leaves the rest unchanged too
            services.save_brand(organization=organization, actor=actor, **data)
            if files["remove_logo"]:
                services.remove_logo(organization=organization, actor=actor)
            elif files["logo"] is not None:
                services.set_logo(organization=organization, actor=actor, file=files["logo"])
            if files["remove_icon"]:
                services.remove_icon(organization=organization, actor=actor)
            elif files["icon"] is not None:
                services.set_icon(organization=organization, actor=actor, file=files["icon"])
        return self._answer(request)

    @extend_schema(
        summary="Change part of the brand (owner only); nothing is saved on a 400",
        request={"application/json": BrandUpdateSerializer, "multipart/form-data": BrandUpdateSerializer},
        responses={200: BrandSettingsSerializer, **ERRORS},
    )
    def partial_update(self, request):
        return self._save(request, partial=True)

    @extend_schema(
        summary="Replace the brand (owner only): fields left out return to their defaults",
        request={"application/json": BrandUpdateSerializer, "multipart/form-data": BrandUpdateSerializer},
        responses={200: BrandSettingsSerializer, **ERRORS},
    )
    def update(self, request):
        return self._save(request, partial=False)


class _BrandFileView(_BrandAPIView):
    serializer_class = BrandFileSerializer
    parser_classes = [MultiPartParser, FormParser]
    kind = ""

    def create(self, request):
        self._require_owner(request)
        body = BrandFileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        setter = services.set_logo if self.kind == "logo" else services.set_icon
        try:
            setter(organization=request.tenant.organization, actor=request.user, file=body.validated_data["file"])
        except DomainError as exc:
            exc.field = "file"
            raise
        return self._answer(request)

    def destroy(self, request):
        self._require_owner(request)
        remover = services.remove_logo if self.kind == "logo" else services.remove_icon
        remover(organization=request.tenant.organization, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BrandLogoView(_BrandFileView):
    kind = "logo"

    @extend_schema(
        summary="Upload the logo (owner only): stored as a PNG within 600x200, transparency kept",
        request={"multipart/form-data": BrandFileSerializer},
        responses={200: BrandSettingsSerializer, **ERRORS},
    )
    def create(self, request):
        return super().create(request)

    @extend_schema(summary="Remove the logo (owner only)", request=None, responses={204: OpenApiResponse(), **ERRORS})
    def destroy(self, request):
        return super().destroy(request)


class BrandIconView(_BrandFileView):
    kind = "icon"

    @extend_schema(
        summary="Upload the app icon (owner only): stored as a 512x512 PNG",
        request={"multipart/form-data": BrandFileSerializer},
        responses={200: BrandSettingsSerializer, **ERRORS},
    )
    def create(self, request):
        return super().create(request)

    @extend_schema(
        summary="Remove the app icon (owner only)", request=None, responses={204: OpenApiResponse(), **ERRORS}
    )
    def destroy(self, request):
        return super().destroy(request)
