from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from mecto import portal_access
from mecto.api_base import ErrorSerializer, OrgGenericViewSet, TenantAPIView
from mecto.branding import brand_for
from mecto.language import activate_for_request
from mecto.permissions import ROLE_CAPABILITIES, HasCapability, IsOrgMember

from .. import selectors, services
from ..models import Invitation, Membership
from .serializers import InvitationSerializer, MemberSerializer, MeSerializer, OrganizationSerializer, UserSerializer

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class MeViewSet(TenantAPIView):
    """The signed-in person: coach, owner, assistant or client."""

    tenant_exempt = "Returns only the signed-in user's own profile and organisation."
    permission_classes = [IsAuthenticated]
    serializer_class = MeSerializer

    def _payload(self, request):
        tenant = request.tenant
        return {
            "user": request.user,
            "role": tenant.role,
            "organization": tenant.organization,
            "client": tenant.client,
            "capabilities": sorted(ROLE_CAPABILITIES.get(tenant.role, ())) if tenant.is_member else [],
            "organizations": tenant.memberships,
            # Through the platform's registry: the branding app sits above accounts.
            "brand": self._brand(tenant),
        }

    @staticmethod
    def _brand(tenant) -> dict:
        """The brand, its sections narrowed to those the client's products grant them."""
        brand = brand_for(tenant.organization).as_dict()
        if tenant.is_client:
            access = portal_access.access_for(tenant.organization, tenant.client)
            brand["features"] = [f for f in brand["features"] if access.allows(f)]
        return brand

    @extend_schema(summary="Who am I", responses={200: MeSerializer, 403: ErrorSerializer})
    def retrieve(self, request):
        return Response(MeSerializer(self._payload(request)).data)

    @extend_schema(
        summary="Update my profile",
        request=UserSerializer,
        responses={200: MeSerializer, **ERRORS},
        description=(
            "Change my name, time zone, units and language (empty: my business's default). "
            "Email changes go through the account email flow."
        ),
    )
    def partial_update(self, request):
        serializer = UserSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        request.user = services.update_profile(user=request.user, **serializer.validated_data)
        activate_for_request(request)
        return Response(MeSerializer(self._payload(request)).data)


class OrganizationViewSet(TenantAPIView):
    """The current business. Owners change its settings; every member may read it."""

    tenant_exempt = "Returns only the request's own organisation."
    permission_classes = [IsAuthenticated, IsOrgMember, HasCapability]
    write_capability = "org.manage"
    serializer_class = OrganizationSerializer

    @extend_schema(summary="My business", responses={200: OrganizationSerializer, 403: ErrorSerializer})
    def retrieve(self, request):
        return Response(OrganizationSerializer(request.tenant.organization).data)

    @extend_schema(summary="Change my business's settings", responses={200: OrganizationSerializer, **ERRORS})
    def partial_update(self, request):
        org = request.tenant.organization
        serializer = OrganizationSerializer(org, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        org = services.update_organization(organization=org, actor=request.user, **serializer.validated_data)
        return Response(OrganizationSerializer(org).data)


@extend_schema_view(
    list=extend_schema(summary="Team members"),
    retrieve=extend_schema(summary="A team member", responses={200: MemberSerializer, 404: ErrorSerializer}),
    partial_update=extend_schema(summary="Change a member's role", responses={200: MemberSerializer, **ERRORS}),
    destroy=extend_schema(summary="Remove a member from the team", responses={204: None, **ERRORS}),
)
class MemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = Membership.objects.all()
    serializer_class = MemberSerializer
    required_capability = "clients.view"
    write_capability = "members.manage"
    http_method_names = ["get", "patch", "delete", "head", "options"]
    search_fields = ["user__email", "user__full_name"]
    filterset_fields = ["role"]

    def get_queryset(self):
        return selectors.team_members(organization=self.organization)

    def perform_update(self, serializer):
        if "role" in serializer.validated_data:
            services.change_member_role(
                membership=serializer.instance, role=serializer.validated_data["role"], actor=self.request.user
            )

    def perform_destroy(self, instance):
        services.remove_member(membership=instance, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Pending and past team invitations"),
    retrieve=extend_schema(summary="An invitation", responses={200: InvitationSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Invite a team member by email", responses={201: InvitationSerializer, **ERRORS}),
    destroy=extend_schema(summary="Revoke an invitation", responses={204: None, **ERRORS}),
)
class InvitationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = Invitation.objects.select_related("invited_by")
    serializer_class = InvitationSerializer
    required_capability = "members.manage"

    def perform_create(self, serializer):
        with transaction.atomic():
            invitation, _token = services.invite_member(
                organization=self.organization,
                email=serializer.validated_data["email"],
                role=serializer.validated_data["role"],
                invited_by=self.request.user,
            )
        serializer.instance = invitation

    def perform_destroy(self, instance):
        services.revoke_invitation(invitation=instance, actor=self.request.user)

    @extend_schema(
        summary="Resend an invitation (a new link; the old one stops working)",
        request=None,
        responses={201: InvitationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        old = self.get_object()
        invitation, _token = services.invite_member(
            organization=self.organization, email=old.email, role=old.role, invited_by=request.user
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)
