"""Inbox and group-thread API: the coach's conversations in one list (filters, unread
first, a version tag for cheap polling), saved replies, one message to several clients,
groups with members, posts and reactions; and the client's own groups."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiTypes,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from mecto.api_base import (
    ClientViewSet,
    CursorPagination,
    ErrorSerializer,
    NestedRouteMixin,
    OrgGenericViewSet,
    OrgModelSerializer,
    OrgPrimaryKeyRelatedField,
)
from mecto.scope import client_scope

from .. import selectors_inbox, services
from ..models import Client, Group, GroupMember, GroupPost, Message, Reaction, Snippet, Thread
from .views import ID

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


# --- Conversations ------------------------------------------------------------------------------------
class InboxThreadSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.full_name", read_only=True)
    unread_count = serializers.IntegerField(read_only=True, help_text=_("Messages I have not read yet."))
    last_message = serializers.SerializerMethodField(help_text=_("The last message's text (or file name), shortened."))
    last_from_client = serializers.BooleanField(
        read_only=True, allow_null=True, help_text=_("Whether the client wrote last.")
    )

    class Meta:
        model = Thread
        fields = [
            "id",
            "public_id",
            "client",
            "client_name",
            "subject",
            "last_message_at",
            "unread_count",
            "last_message",
            "last_from_client",
        ]
        read_only_fields = fields

    def get_last_message(self, thread) -> str:
        return (thread.last_body or "")[:120] or (thread.last_attachment or "")


class InboxSummarySerializer(serializers.Serializer):
    version = serializers.CharField(help_text=_("Changes whenever anything the inbox shows changes."))
    unread = serializers.IntegerField(help_text=_("Unread messages in my scope."))


FILTER_PARAM = OpenApiParameter(
    "filter",
    OpenApiTypes.STR,
    enum=["unread", "unanswered", "attachments"],
    description="unread; unanswered (the client wrote last, over 24 h ago); attachments (any kind of attachment)",
)
SCOPE_PARAM = OpenApiParameter(
    "scope", OpenApiTypes.STR, enum=["mine", "all"], description="My clients' conversations or the whole business's"
)


@extend_schema_view(
    list=extend_schema(
        summary="The inbox: every conversation in scope, unread first, then the latest",
        description=(
            "Sends an `ETag` (the inbox version); with `If-None-Match` set to it, the answer is "
            "304 without a body while nothing changed."
        ),
        parameters=[FILTER_PARAM, SCOPE_PARAM],
    )
)
class InboxThreadViewSet(mixins.ListModelMixin, OrgGenericViewSet):
    queryset = Thread.objects.all()
    serializer_class = InboxThreadSerializer
    required_capability = "clients.view"
    filter_backends = []

    def get_queryset(self):
        return selectors_inbox.inbox_threads(
            organization=self.organization,
            user=self.request.user,
            coach_id=client_scope(self.request).coach_id,
            filter_key=self.request.query_params.get("filter", ""),
        )

    def version(self) -> str:
        return selectors_inbox.inbox_version(organization=self.organization, user=self.request.user)

    def list(self, request, *args, **kwargs):
        version = self.version()
        etag = f'"{version}"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        response = super().list(request, *args, **kwargs)
        response["ETag"] = etag
        return response

    @extend_schema(
        summary="The inbox version and my unread count (for cheap polling)", responses=InboxSummarySerializer
    )
    @action(detail=False, methods=["get"])
    def summary(self, request):
        unread = selectors_inbox.unread_count(
            organization=self.organization, user=request.user, coach_id=client_scope(request).coach_id
        )
        return Response({"version": self.version(), "unread": unread})


# --- Saved replies ------------------------------------------------------------------------------------
class SnippetSerializer(serializers.ModelSerializer):
    shared = serializers.BooleanField(
        required=False, default=False, help_text=_("For every coach of the business; otherwise mine alone.")
    )

    class Meta:
        model = Snippet
        fields = ["id", "title", "body", "shared", "owner", "created_at", "updated_at"]
        read_only_fields = ["id", "owner", "created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["shared"] = instance.owner_id is None
        return data


@extend_schema_view(
    list=extend_schema(summary="Saved replies: the business's shared ones and mine"),
    retrieve=extend_schema(summary="A saved reply", responses={200: SnippetSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Save a reply", responses={201: SnippetSerializer, **ERRORS}),
    update=extend_schema(summary="Change a saved reply", responses={200: SnippetSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change a saved reply", responses={200: SnippetSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete a saved reply", responses={204: None, 404: ErrorSerializer}),
)
class SnippetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = Snippet.objects.all()
    serializer_class = SnippetSerializer
    required_capability = "clients.view"
    write_capability = "messages.send"
    lookup_value_regex = ID
    filter_backends = []

    def get_queryset(self):
        return selectors_inbox.snippets_for(organization=self.organization, user=self.request.user)

    def _save(self, serializer, snippet=None):
        data = serializer.validated_data
        serializer.instance = services.save_snippet(
            organization=self.organization,
            actor=self.request.user,
            title=data.get("title", snippet.title if snippet else ""),
            body=data.get("body", snippet.body if snippet else ""),
            shared=data.get("shared", snippet.is_shared if snippet else False),
            snippet=snippet,
        )

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, snippet=serializer.instance)

    def perform_destroy(self, instance):
        services.delete_snippet(snippet=instance, actor=self.request.user)


# --- One message to several clients -------------------------------------------------------------------
class BulkSendSerializer(serializers.Serializer):
    clients = serializers.ManyRelatedField(
        child_relation=OrgPrimaryKeyRelatedField(queryset=Client.objects.all()),
        help_text=_("Ids of the clients to write to (each gets the message in their own conversation)."),
    )
    subject = serializers.CharField(
        required=False, allow_blank=True, max_length=120, help_text=_("For clients with no conversation yet.")
    )
    body = serializers.CharField(max_length=5000)


class SentMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = ["id", "thread", "client", "created_at"]
        read_only_fields = fields


@extend_schema_view(
    create=extend_schema(
        summary="Send one message to several clients, each in their own conversation",
        request=BulkSendSerializer,
        responses={
            201: inline_serializer(
                "BulkSendResult", {"sent": serializers.IntegerField(), "messages": SentMessageSerializer(many=True)}
            ),
            **ERRORS,
        },
    )
)
class BulkSendViewSet(mixins.CreateModelMixin, OrgGenericViewSet):
    queryset = Message.objects.all()
    serializer_class = BulkSendSerializer
    required_capability = "messages.send"
    filter_backends = []

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sent = services.send_to_clients(
            organization=self.organization,
            clients=data["clients"],
            sender=request.user,
            body=data["body"],
            subject=data.get("subject", ""),
        )
        return Response(
            {"sent": len(sent), "messages": SentMessageSerializer(sent, many=True).data}, status=status.HTTP_201_CREATED
        )


# --- Groups (coaches) ---------------------------------------------------------------------------------
class GroupSerializer(OrgModelSerializer):
    member_count = serializers.IntegerField(read_only=True)
    clients = serializers.ManyRelatedField(
        child_relation=OrgPrimaryKeyRelatedField(queryset=Client.objects.all()),
        write_only=True,
        required=False,
        help_text=_("Ids of the clients who join the group when it is created."),
    )

    class Meta:
        model = Group
        fields = [
            "id",
            "public_id",
            "name",
            "description",
            "is_archived",
            "member_count",
            "last_post_at",
            "created_at",
            "clients",
        ]
        read_only_fields = ["id", "public_id", "member_count", "last_post_at", "created_at"]


@extend_schema_view(
    list=extend_schema(summary="The business's groups"),
    retrieve=extend_schema(summary="A group", responses={200: GroupSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Create a group with selected clients", responses={201: GroupSerializer, **ERRORS}),
    update=extend_schema(summary="Rename, describe or archive a group", responses={200: GroupSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Rename, describe or archive a group", responses={200: GroupSerializer, **ERRORS}
    ),
)
class GroupViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    OrgGenericViewSet,
):
    queryset = Group.objects.all()
    serializer_class = GroupSerializer
    required_capability = "clients.view"
    write_capability = "messages.send"
    lookup_value_regex = ID
    filter_backends = []

    def get_queryset(self):
        return selectors_inbox.groups_for(organization=self.organization)

    def perform_create(self, serializer):
        data = serializer.validated_data
        group = services.create_group(
            organization=self.organization,
            name=data["name"],
            description=data.get("description", ""),
            clients=data.get("clients", []),
            actor=self.request.user,
        )
        serializer.instance = self.get_queryset().get(pk=group.pk)

    def perform_update(self, serializer):
        group, data = serializer.instance, serializer.validated_data
        services.update_group(
            group=group,
            actor=self.request.user,
            name=data.get("name", group.name),
            description=data.get("description", group.description),
            is_archived=data.get("is_archived", group.is_archived),
        )
        if data.get("clients"):
            services.add_group_members(group=group, clients=data["clients"], actor=self.request.user)
        serializer.instance = self.get_queryset().get(pk=group.pk)


class GroupMemberSerializer(OrgModelSerializer):
    client_name = serializers.CharField(source="client.full_name", read_only=True)

    class Meta:
        model = GroupMember
        fields = ["id", "client", "client_name", "is_muted", "joined_at"]
        read_only_fields = ["id", "client_name", "joined_at"]


class GroupMemberUpdateSerializer(serializers.Serializer):
    is_muted = serializers.BooleanField(help_text=_("A muted member reads the group but cannot post or react."))


@extend_schema_view(
    list=extend_schema(summary="Members of a group"),
    create=extend_schema(summary="Add a client to a group", responses={201: GroupMemberSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Mute or unmute a member",
        request=GroupMemberUpdateSerializer,
        responses={200: GroupMemberSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Remove a member from a group", responses={204: None, 404: ErrorSerializer}),
)
class GroupMemberViewSet(
    NestedRouteMixin, mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, OrgGenericViewSet
):
    queryset = GroupMember.objects.select_related("client")
    serializer_class = GroupMemberSerializer
    required_capability = "clients.view"
    write_capability = "messages.send"
    lookup_value_regex = ID
    parent_lookups = {"group_pk": ("group", "clients.Group")}
    filter_backends = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        group = self.get_parent()
        client = serializer.validated_data["client"]
        services.add_group_members(group=group, clients=[client], actor=self.request.user)
        serializer.instance = self.get_queryset().get(client=client)

    def partial_update(self, request, *args, **kwargs):
        member = self.get_object()
        update = GroupMemberUpdateSerializer(data=request.data)
        update.is_valid(raise_exception=True)
        services.set_member_muted(member=member, muted=update.validated_data["is_muted"], actor=request.user)
        return Response(GroupMemberSerializer(member, context=self.get_serializer_context()).data)

    def perform_destroy(self, instance):
        services.remove_group_member(group=instance.group, client=instance.client, actor=self.request.user)


class ReactionCountSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Reaction.Kind.choices)
    label = serializers.CharField()
    emoji = serializers.CharField()
    count = serializers.IntegerField()
    mine = serializers.BooleanField()


class GroupPostSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    reactions = serializers.SerializerMethodField()

    class Meta:
        model = GroupPost
        fields = ["id", "public_id", "group", "body", "author_name", "client", "created_at", "removed_at", "reactions"]
        read_only_fields = [
            "id",
            "public_id",
            "group",
            "author_name",
            "client",
            "created_at",
            "removed_at",
            "reactions",
        ]

    def get_author_name(self, post) -> str:
        if post.client_id:
            return post.client.first_name
        return (post.author.full_name or post.author.email) if post.author_id else ""

    @extend_schema_field(ReactionCountSerializer(many=True))
    def get_reactions(self, post) -> list[dict]:
        request = self.context.get("request")
        return [r for r in selectors_inbox.reaction_summary(post, getattr(request, "user", None)) if r["count"]]


class ReactionRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Reaction.Kind.choices)


class PostPagination(CursorPagination):
    ordering = ("-created_at", "-id")


REACT_SCHEMA = extend_schema(
    summary="React to a post (POST) or take my reaction back (DELETE with ?kind=)",
    request=ReactionRequestSerializer,
    parameters=[OpenApiParameter("kind", OpenApiTypes.STR, enum=Reaction.Kind.values, description="For DELETE")],
    responses={200: GroupPostSerializer, **ERRORS},
)


class ReactMixin:
    @REACT_SCHEMA
    @action(detail=True, methods=["post", "delete"])
    def reactions(self, request, **kwargs):
        post = self.get_object()
        if request.method == "DELETE":
            services.remove_reaction(post=post, user=request.user, kind=request.query_params.get("kind", ""))
        else:
            data = ReactionRequestSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            services.add_reaction(post=post, user=request.user, kind=data.validated_data["kind"])
        post = self.get_queryset().get(pk=post.pk)
        return Response(GroupPostSerializer(post, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(summary="Posts of a group, newest first, removed ones included (cursor pages)"),
    retrieve=extend_schema(summary="A post", responses={200: GroupPostSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Post in a group as a coach", responses={201: GroupPostSerializer, **ERRORS}),
    destroy=extend_schema(summary="Remove a post (moderation)", responses={204: None, **ERRORS}),
)
class GroupPostViewSet(
    ReactMixin,
    NestedRouteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = GroupPost.objects.all()
    serializer_class = GroupPostSerializer
    pagination_class = PostPagination
    required_capability = "clients.view"
    write_capability = "messages.send"
    lookup_value_regex = ID
    parent_lookups = {"group_pk": ("group", "clients.Group")}
    filter_backends = []

    def get_queryset(self):
        return super().get_queryset().select_related("author", "client").prefetch_related("reactions")

    def perform_create(self, serializer):
        serializer.instance = services.post_to_group(
            group=self.get_parent(), author=self.request.user, body=serializer.validated_data["body"]
        )

    def perform_destroy(self, instance):
        services.remove_group_post(post=instance, actor=self.request.user)


# --- The client's groups -----------------------------------------------------------------------------
class MyGroupSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)
    is_muted = serializers.SerializerMethodField(help_text=_("Whether a coach muted me in this group."))

    class Meta:
        model = Group
        fields = ["id", "public_id", "name", "description", "is_archived", "member_count", "last_post_at", "is_muted"]
        read_only_fields = fields

    def get_is_muted(self, group) -> bool:
        return bool(getattr(group, "me_muted", False))


@extend_schema_view(
    list=extend_schema(summary="The groups I am a member of"),
    retrieve=extend_schema(summary="One of my groups", responses={200: MyGroupSerializer, 404: ErrorSerializer}),
)
class MyGroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientViewSet):
    queryset = Group.objects.all()
    serializer_class = MyGroupSerializer
    client_field = "members__client"
    lookup_value_regex = ID
    filter_backends = []

    def get_queryset(self):
        from django.db.models import Count, Exists, OuterRef

        client = self.request.tenant.client
        muted = GroupMember.objects.filter(group=OuterRef("pk"), client=client, is_muted=True)
        return (
            Group.objects.for_org(self.request.tenant.organization)
            .filter(pk__in=GroupMember.objects.filter(client=client).values("group_id"))
            .annotate(member_count=Count("members", distinct=True), me_muted=Exists(muted))
            .order_by("is_archived", "name", "id")
        )


class MyGroupPostSerializer(GroupPostSerializer):
    group = serializers.PrimaryKeyRelatedField(queryset=Group.objects.none(), help_text=_("One of my groups."))

    class Meta(GroupPostSerializer.Meta):
        read_only_fields = [f for f in GroupPostSerializer.Meta.read_only_fields if f != "group"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        tenant = getattr(request, "tenant", None)
        if tenant is not None and tenant.client is not None:
            fields["group"].queryset = Group.objects.for_org(tenant.organization).filter(
                pk__in=GroupMember.objects.filter(client=tenant.client).values("group_id")
            )
        return fields


@extend_schema_view(
    list=extend_schema(
        summary="Posts of my groups, newest first (cursor pages)",
        parameters=[OpenApiParameter("group", OpenApiTypes.INT, description="Only this group")],
    ),
    retrieve=extend_schema(
        summary="A post in one of my groups", responses={200: MyGroupPostSerializer, 404: ErrorSerializer}
    ),
    create=extend_schema(summary="Post in one of my groups", responses={201: MyGroupPostSerializer, **ERRORS}),
)
class MyGroupPostViewSet(
    ReactMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClientViewSet
):
    queryset = GroupPost.objects.filter(removed_at__isnull=True)
    serializer_class = MyGroupPostSerializer
    pagination_class = PostPagination
    client_field = "group__members__client"
    lookup_value_regex = ID
    filter_backends = []

    def get_queryset(self):
        qs = super().get_queryset().select_related("author", "client").prefetch_related("reactions")
        group = self.request.query_params.get("group", "")
        return qs.filter(group_id=group) if group.isdigit() and len(group) < 19 else qs

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.post_to_group(group=data["group"], author=self.request.user, body=data["body"])
