"""Messaging API: conversations and messages (cursor-paginated), for coaches and the client."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from mecto.api_base import (
    ClientViewSet,
    CursorPagination,
    ErrorSerializer,
    JSONObjectParser,
    NestedRouteMixin,
    OrgGenericViewSet,
)
from mecto.scope import client_scope

from .. import selectors, services
from ..models import Client, Message, Thread
from ..views.messages import attachment_response
from .serializers import (
    MessageSerializer,
    MyMessageSerializer,
    MyThreadSerializer,
    ThreadMessageSerializer,
    ThreadSerializer,
)
from .views import ID

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
ATTACHMENT_SCHEMA = extend_schema(
    summary="The attachment's file",
    description="A photo (JPEG) or a PDF; with private cloud storage, a redirect to a short-lived link to it.",
    responses={
        (200, "image/jpeg"): OpenApiTypes.BINARY,
        (200, "application/pdf"): OpenApiTypes.BINARY,
        (200, "application/octet-stream"): OpenApiTypes.BINARY,
        302: OpenApiResponse(description="Redirect to a short-lived link to the file (cloud storage)."),
        400: OpenApiResponse(ErrorSerializer, description="The message has no attachment."),
        404: ErrorSerializer,
    },
)


class MessagePagination(CursorPagination):
    ordering = ("-created_at", "-id")


def _start(client, serializer, user):
    data = serializer.validated_data
    thread = services.start_thread(client=client, subject=data.get("subject", ""), actor=user)
    if data.get("body"):
        services.send_message(thread=thread, sender=user, body=data["body"])
    return thread


@extend_schema_view(
    list=extend_schema(
        summary="Conversations of the business with unread counts, newest activity first",
        parameters=[
            OpenApiParameter("client", OpenApiTypes.INT, description="Only this client's conversations"),
            OpenApiParameter(
                "scope",
                OpenApiTypes.STR,
                enum=["mine", "all"],
                description="Conversations with the clients you coach or the whole business",
            ),
        ],
    ),
    retrieve=extend_schema(summary="A conversation", responses={200: ThreadSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Start a conversation with a client", responses={201: ThreadSerializer, **ERRORS}),
)
class ThreadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, OrgGenericViewSet):
    queryset = Thread.objects.all()
    serializer_class = ThreadSerializer
    required_capability = "clients.view"
    write_capability = "messages.send"
    lookup_value_regex = ID
    filter_backends = []

    def get_queryset(self):
        client_id = self.request.query_params.get("client")
        client = None
        if client_id and client_id.isdigit():
            client = Client.objects.for_org(self.organization).filter(pk=client_id).first()
            if client is None:
                return Thread.objects.none()
        scope = client_scope(self.request)
        # The inbox starts on the member's scope (a coach: their clients); one conversation,
        # or one client's, is found whichever scope.
        coach_id = scope.coach_id if self.action == "list" and client is None else None
        if not scope.can_see_all:
            coach_id = self.request.user.pk
        return selectors.threads_for(
            organization=self.organization, user=self.request.user, client=client, coach_id=coach_id
        )

    def perform_create(self, serializer):
        thread = _start(serializer.validated_data["client"], serializer, self.request.user)
        serializer.instance = self.get_queryset().get(pk=thread.pk)

    @extend_schema(summary="Mark the conversation read", request=None, responses={204: None, **ERRORS})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        services.mark_thread_read(thread=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="Messages of a conversation, newest first (cursor pages)"),
    retrieve=extend_schema(summary="A message", responses={200: MessageSerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Send a message (text and/or attachment)", responses={201: MessageSerializer, **ERRORS}
    ),
)
class ThreadMessageViewSet(
    NestedRouteMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, OrgGenericViewSet
):
    queryset = Message.objects.select_related("sender", "client", "replying_to").prefetch_related("videos__replies")
    serializer_class = ThreadMessageSerializer
    pagination_class = MessagePagination
    parser_classes = [JSONObjectParser, MultiPartParser, FormParser]
    required_capability = "clients.view"
    write_capability = "messages.send"
    lookup_value_regex = ID
    parent_lookups = {"thread_pk": ("thread", "clients.Thread")}
    filter_backends = []

    def get_thread(self) -> Thread:
        return self.get_parent()

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.send_message(
            thread=self.get_thread(),
            sender=self.request.user,
            body=data.get("body", ""),
            attachment=data.get("attachment"),
            video=data.get("video"),
            poster=data.get("poster"),
        )

    @ATTACHMENT_SCHEMA
    @action(detail=True, methods=["get"])
    def attachment(self, request, thread_pk=None, pk=None):
        message = self.get_object()
        if not message.attachment:
            raise services.MessagingError(_("This message has no attachment."))
        return attachment_response(message)


@extend_schema_view(
    list=extend_schema(summary="My conversations with my coaches, with unread counts"),
    retrieve=extend_schema(
        summary="One of my conversations", responses={200: MyThreadSerializer, 404: ErrorSerializer}
    ),
    create=extend_schema(summary="Start a conversation with my coaches", responses={201: MyThreadSerializer, **ERRORS}),
)
class MyThreadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClientViewSet):
    queryset = Thread.objects.all()
    serializer_class = MyThreadSerializer
    lookup_value_regex = ID
    filter_backends = []

    def get_queryset(self):
        tenant = self.request.tenant
        return selectors.threads_for(organization=tenant.organization, user=self.request.user, client=tenant.client)

    def perform_create(self, serializer):
        thread = _start(self.request.tenant.client, serializer, self.request.user)
        serializer.instance = self.get_queryset().get(pk=thread.pk)

    @extend_schema(summary="Mark my conversation read", request=None, responses={204: None, **ERRORS})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        services.mark_thread_read(thread=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary="My messages, newest first (cursor pages)",
        parameters=[OpenApiParameter("thread", OpenApiTypes.INT, description="Only this conversation")],
    ),
    retrieve=extend_schema(summary="One of my messages", responses={200: MyMessageSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Send a message to my coaches", responses={201: MyMessageSerializer, **ERRORS}),
)
class MyMessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClientViewSet):
    queryset = Message.objects.select_related("sender", "client", "replying_to").prefetch_related("videos__replies")
    serializer_class = MyMessageSerializer
    pagination_class = MessagePagination
    parser_classes = [JSONObjectParser, MultiPartParser, FormParser]
    lookup_value_regex = ID
    filter_backends = []

    def get_queryset(self):
        qs = super().get_queryset()
        thread = self.request.query_params.get("thread")
        return qs.filter(thread_id=thread) if thread and thread.isdigit() else qs

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.send_message(
            thread=data["thread"],
            sender=self.request.user,
            body=data.get("body", ""),
            attachment=data.get("attachment"),
            video=data.get("video"),
            poster=data.get("poster"),
        )

    @ATTACHMENT_SCHEMA
    @action(detail=True, methods=["get"])
    def attachment(self, request, pk=None):
        message = self.get_object()
        if not message.attachment:
            raise services.MessagingError(_("This message has no attachment."))
        return attachment_response(message)
