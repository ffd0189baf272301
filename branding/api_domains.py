"""`/api/v1/domains/`: the business's custom domains. Members read; owners add, check, choose
the one used in links, and remove. API tokens can't use it: a domain changes where the
business is served, which only its owner decides, signed in."""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from mecto.api_base import ErrorSerializer, OrgGenericViewSet, error_response
from mecto.errors import DomainError

from . import domains as services
from .models import CustomDomain

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class DnsRecordSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="CNAME or TXT.")
    name = serializers.CharField()
    value = serializers.CharField()


class CustomDomainSerializer(serializers.ModelSerializer):
    is_verified = serializers.SerializerMethodField()
    dns_records = serializers.SerializerMethodField()

    class Meta:
        model = CustomDomain
        fields = [
            "id",
            "hostname",
            "is_verified",
            "verified_at",
            "is_primary",
            "verification_token",
            "dns_records",
            "last_checked_at",
            "check_error",
            "created_at",
        ]
        read_only_fields = fields

    def get_is_verified(self, obj) -> bool:
        return obj.verified_at is not None

    @extend_schema_field(DnsRecordSerializer(many=True))
    def get_dns_records(self, obj):
        return services.dns_records(obj)


class NewDomainSerializer(serializers.Serializer):
    hostname = serializers.CharField(
        max_length=300,
        help_text="A host name you own, such as coach.example.com; an international name is stored in its xn-- form.",
    )


@extend_schema_view(
    list=extend_schema(summary="Custom domains of the business (the one used in links first)"),
    retrieve=extend_schema(summary="A custom domain with the DNS records to create"),
    create=extend_schema(
        summary="Add a custom domain (owners); verify it with its TXT record",
        request=NewDomainSerializer,
        responses={201: CustomDomainSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Remove a custom domain now (owners)", responses={204: None, **ERRORS}),
    verify=extend_schema(
        summary="Look the TXT record up now (owners): verifies, or says what is missing",
        request=None,
        responses={200: CustomDomainSerializer, **ERRORS},
    ),
    primary=extend_schema(
        summary="Use this verified domain in links of the business's emails (owners)",
        request=None,
        responses={200: CustomDomainSerializer, **ERRORS},
    ),
)
class CustomDomainViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = CustomDomain.objects.all()
    serializer_class = CustomDomainSerializer
    required_capability = None  # every member reads
    write_capability = "org.manage"  # owners write
    token_resource = None  # API tokens are refused: see the module's docstring

    def get_queryset(self):
        return super().get_queryset().order_by("-is_primary", "hostname")

    def create(self, request, *args, **kwargs):
        serializer = NewDomainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            domain = services.add_domain(
                organization=self.organization, hostname=serializer.validated_data["hostname"], actor=request.user
            )
        except DomainError as exc:
            return error_response(exc.message, field=exc.field)
        return Response(CustomDomainSerializer(domain).data, status=201)

    def perform_destroy(self, instance):
        services.remove_domain(domain=instance, actor=self.request.user)

    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        try:
            domain = services.check_domain(domain=self.get_object(), actor=request.user)
        except DomainError as exc:
            return error_response(exc.message, field=exc.field)
        return Response(CustomDomainSerializer(domain).data)

    @action(detail=True, methods=["post"])
    def primary(self, request, pk=None):
        try:
            domain = services.make_primary(domain=self.get_object(), actor=request.user)
        except DomainError as exc:
            return error_response(exc.message, field=exc.field)
        return Response(CustomDomainSerializer(domain).data)


router = SimpleRouter()
router.register("domains", CustomDomainViewSet, basename="custom-domain")
urlpatterns = router.urls
