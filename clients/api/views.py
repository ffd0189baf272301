from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import services as account_services
from accounts.api.serializers import InvitationSerializer
from mecto.api_base import ErrorSerializer, OrgViewSet

from .. import selectors, services
from ..models import Client
from .serializers import ClientSerializer

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(summary="Clients and leads"),
    retrieve=extend_schema(summary="A client", responses={200: ClientSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Add a client", responses={201: ClientSerializer, **ERRORS}),
    update=extend_schema(summary="Replace a client's details", responses={200: ClientSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change a client's details", responses={200: ClientSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete a client and their records", responses={204: None, **ERRORS}),
)
class ClientViewSet(OrgViewSet):
    queryset = Client.objects.all()
    serializer_class = ClientSerializer
    required_capability = "clients.view"
    write_capability = "clients.manage"
    search_fields = ["first_name", "last_name", "email", "phone"]
    filterset_fields = ["status", "coach"]
    ordering_fields = ["first_name", "last_name", "created_at", "status"]

    def get_queryset(self):
        return selectors.client_list(organization=self.organization)

    def perform_create(self, serializer):
        serializer.instance = services.create_client(
            organization=self.organization, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_client(
            client=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        summary="Invite the client to their portal account",
        request=None,
        responses={201: InvitationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        client = self.get_object()
        invitation, _token = account_services.invite_client(client=client, invited_by=request.user)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)
