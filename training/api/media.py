"""Set videos in the API: the client films a logged set (multipart upload, checked by its
contents); coaches list a client's set videos and reply about one in the conversation."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from clients.api.serializers import ThreadMessageSerializer
from clients.api.serializers_media import FormCheckVideoSerializer
from clients.api.videos import VideoReplySerializer
from mecto.api_base import ClientViewSet, ErrorSerializer, OrgGenericViewSet, OrgPrimaryKeyRelatedField

from .. import services
from ..models import SetLog, SetVideo

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
FILTERS = [
    OpenApiParameter("workout_log", OpenApiTypes.INT, description="Only the sets of this workout log (its id)"),
    OpenApiParameter("set_log", OpenApiTypes.INT, description="Only this set's videos"),
]


class SetVideoSerializer(serializers.ModelSerializer):
    """A video of one logged set. Upload `video` (MP4, MOV or WebM, up to 60 seconds and
    100 MB) and, when the app can draw one, `poster` (the first frame, JPEG or PNG)."""

    set_log = OrgPrimaryKeyRelatedField(queryset=SetLog.objects.all())
    workout_log = serializers.IntegerField(source="set_log.workout_log_id", read_only=True)
    exercise_name = serializers.CharField(source="set_log.exercise.name", read_only=True)
    set_number = serializers.IntegerField(source="set_log.set_number", read_only=True)
    video = serializers.FileField(write_only=True, help_text=_("MP4, MOV or WebM, up to 60 seconds and 100 MB."))
    poster = serializers.FileField(
        write_only=True, required=False, help_text=_("The first frame (JPEG or PNG); a placeholder is shown without.")
    )
    form_check_video = FormCheckVideoSerializer(source="video", read_only=True)

    class Meta:
        model = SetVideo
        fields = [
            "id",
            "set_log",
            "workout_log",
            "exercise_name",
            "set_number",
            "video",
            "poster",
            "form_check_video",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        tenant = getattr(request, "tenant", None)
        if tenant is not None and tenant.client is not None:  # a client films only their own sets
            self.fields["set_log"].queryset = SetLog.objects.filter(client=tenant.client)


class SetVideoMixin:
    queryset = SetVideo.objects.select_related("set_log__exercise", "video").prefetch_related("video__replies")
    serializer_class = SetVideoSerializer
    filter_backends: list = []

    def get_queryset(self):
        qs = super().get_queryset().order_by("-created_at", "-id")
        for name, lookup in (("workout_log", "set_log__workout_log_id"), ("set_log", "set_log_id")):
            value = self.request.query_params.get(name, "")
            if value:
                qs = qs.filter(**{lookup: value}) if value.isdigit() else qs.none()
        return qs


@extend_schema_view(
    list=extend_schema(
        summary="Videos of your clients' logged sets, newest first",
        parameters=[OpenApiParameter("client", OpenApiTypes.INT, description="Only this client's"), *FILTERS],
    ),
    retrieve=extend_schema(summary="A set video", responses={200: SetVideoSerializer, 404: ErrorSerializer}),
)
class CoachSetVideoViewSet(SetVideoMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgGenericViewSet):
    required_capability = "clients.view"
    write_capability = "messages.send"

    def get_queryset(self):
        qs = super().get_queryset()
        client = self.request.query_params.get("client", "")
        if client:
            qs = qs.filter(set_log__client_id=client) if client.isdigit() else qs.none()
        return qs

    @extend_schema(
        summary="Reply about a set's video: a message in the client's conversation that links to it",
        request=VideoReplySerializer,
        responses={201: ThreadMessageSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        set_video = self.get_object()
        payload = VideoReplySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        message = services.reply_to_set_video(
            set_video=set_video, coach=request.user, body=payload.validated_data["body"]
        )
        data = ThreadMessageSerializer(message, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Videos of my logged sets, newest first", parameters=FILTERS),
    retrieve=extend_schema(summary="One of my set videos", responses={200: SetVideoSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Add a video of one of my logged sets", responses={201: SetVideoSerializer, **ERRORS}),
    destroy=extend_schema(summary="Remove a video of one of my sets", responses={204: None, **ERRORS}),
)
class MySetVideoViewSet(
    SetVideoMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ClientViewSet,
):
    client_field = "set_log__client"
    parser_classes = [MultiPartParser, FormParser]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.attach_set_video(
            set_log=data["set_log"], file=data["video"], poster=data.get("poster"), actor=self.request.user
        )

    def perform_destroy(self, instance):
        services.delete_set_video(set_video=instance, actor=self.request.user)
