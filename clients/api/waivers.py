"""Waiver API. Coaches read documents (with their versions) and signatures; clients list
what they have to sign (/me/waivers/) and sign one exact version."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from mecto.api_base import ErrorSerializer, OrgGenericViewSet, TenantAPIView
from mecto.permissions import IsClient

from .. import selectors, services
from ..models import WaiverDocument, WaiverSignature, WaiverVersion
from .views import ID

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class WaiverVersionSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="document.kind", read_only=True)
    required_for_booking = serializers.BooleanField(source="document.required_for_booking", read_only=True)

    class Meta:
        model = WaiverVersion
        fields = [
            "id",
            "document",
            "kind",
            "required_for_booking",
            "version",
            "title",
            "body",
            "text_hash",
            "published_at",
        ]
        read_only_fields = fields


class WaiverDocumentSerializer(serializers.ModelSerializer):
    versions = WaiverVersionSerializer(many=True, read_only=True)
    current_version = serializers.IntegerField(read_only=True, allow_null=True)
    signature_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = WaiverDocument
        fields = [
            "id",
            "kind",
            "title",
            "required_for_booking",
            "is_archived",
            "current_version",
            "signature_count",
            "created_at",
            "versions",
        ]
        read_only_fields = fields


class WaiverSignatureSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.full_name", read_only=True)

    class Meta:
        model = WaiverSignature
        fields = [
            "id",
            "client",
            "client_name",
            "document",
            "version",
            "version_number",
            "text_hash",
            "method",
            "typed_name",
            "source",
            "ip_address",
            "user_agent",
            "signed_at",
        ]
        read_only_fields = fields


class MySignatureSerializer(serializers.ModelSerializer):
    class Meta:
        model = WaiverSignature
        fields = ["id", "document", "version", "version_number", "text_hash", "method", "signed_at"]
        read_only_fields = fields


class SignSerializer(serializers.Serializer):
    typed_name = serializers.CharField(max_length=160, help_text="The client's full name (always needed)")
    agreed = serializers.BooleanField(help_text="The client read the text and agrees")
    drawn_signature = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=140_000,
        help_text="Optional drawn signature: PNG data URL, ≤ 100 KB",
    )


@extend_schema_view(
    list=extend_schema(summary="Waiver and consent documents, with their versions"),
    retrieve=extend_schema(summary="A document", responses={200: WaiverDocumentSerializer, 404: ErrorSerializer}),
)
class WaiverDocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgGenericViewSet):
    queryset = WaiverDocument.objects.all()
    serializer_class = WaiverDocumentSerializer
    required_capability = "clients.view"
    lookup_value_regex = ID
    filter_backends = []

    def get_queryset(self):
        return (
            selectors.waiver_documents(organization=self.organization, include_archived=True)
            .prefetch_related("versions__document")
            .order_by("is_archived", "kind", "title", "id")
        )


@extend_schema_view(
    list=extend_schema(
        summary="Signatures: who signed which version",
        parameters=[
            OpenApiParameter("document", OpenApiTypes.INT, description="Only this document"),
            OpenApiParameter("client", OpenApiTypes.INT, description="Only this client"),
        ],
    ),
    retrieve=extend_schema(summary="A signature", responses={200: WaiverSignatureSerializer, 404: ErrorSerializer}),
)
class WaiverSignatureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgGenericViewSet):
    queryset = WaiverSignature.objects.all()
    serializer_class = WaiverSignatureSerializer
    required_capability = "clients.view"
    lookup_value_regex = ID
    filter_backends = []

    def get_queryset(self):
        qs = selectors.waiver_signatures(organization=self.organization)
        params = self.request.query_params
        for name in ("document", "client"):
            value = params.get(name, "")
            if value.isdigit() and len(value) < 19:
                qs = qs.filter(**{f"{name}_id": int(value)})
        return qs


@extend_schema_view(
    list=extend_schema(summary="Documents I still have to sign (current versions)"),
)
class MyWaiverViewSet(mixins.ListModelMixin, TenantAPIView):
    """The current versions the signed-in client has not signed; `sign` records one."""

    tenant_exempt = (
        "Documents are the business's, the same for every client of it (scoped to the client's "
        "organisation); signing records a signature of the signed-in client only."
    )
    permission_classes = [IsAuthenticated, IsClient]
    queryset = WaiverVersion.objects.select_related("document")
    serializer_class = WaiverVersionSerializer
    lookup_value_regex = ID
    filter_backends = []
    pagination_class = None

    def get_queryset(self):
        tenant = self.request.tenant
        return (
            WaiverVersion.objects.for_org(tenant.organization)
            .filter(pk__in=[v.pk for v in selectors.waivers_to_sign(client=tenant.client)])
            .select_related("document")
            .order_by("document_id")
        )

    @extend_schema(
        summary="Sign this version (typed full name, optionally a drawn signature)",
        request=SignSerializer,
        responses={201: MySignatureSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        version = self.get_object()
        data = SignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signature = services.sign_waiver(
            client=request.tenant.client,
            version=version,
            ip_address=request.META.get("REMOTE_ADDR", ""),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            source=WaiverSignature.Source.APP,
            actor=request.user,
            **data.validated_data,
        )
        return Response(MySignatureSerializer(signature).data, status=201)
