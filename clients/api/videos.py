"""Form-check video API: a client's clips (sent with a message or on a logged set) with their
bytes (byte ranges for seeking) and poster frame, and the coach's reply about one."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from mecto.api_base import ClientViewSet, ErrorSerializer, OrgGenericViewSet

from .. import services
from ..models import FormCheckVideo
from ..views.videos import video_file_response, video_poster_response
from .serializers import ThreadMessageSerializer
from .serializers_media import FormCheckVideoSerializer
from .views import ClientChildMixin

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
FILE_SCHEMA = extend_schema(
    summary="The clip itself; send `Range: bytes=…` for a part (206)",
    responses={
        (200, "video/mp4"): OpenApiTypes.BINARY,
        (206, "video/mp4"): OpenApiTypes.BINARY,
        (200, "video/quicktime"): OpenApiTypes.BINARY,
        (200, "video/webm"): OpenApiTypes.BINARY,
        302: OpenApiResponse(description="Redirect to a short-lived link to the file (cloud storage)."),
        404: ErrorSerializer,
        416: OpenApiResponse(ErrorSerializer, description="The range is outside the file."),
    },
)
POSTER_SCHEMA = extend_schema(
    summary="The poster frame (JPEG), or a redirect to the neutral placeholder when none was sent",
    responses={(200, "image/jpeg"): OpenApiTypes.BINARY, 302: OpenApiResponse(description="The placeholder.")},
)


class VideoReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000, help_text=_("The coach's feedback on the movement."))
    subject = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        help_text=_("For a video on a set, when the client has no conversation yet: its subject."),
    )


class VideoMixin:
    queryset = FormCheckVideo.objects.select_related("client").prefetch_related("replies")
    serializer_class = FormCheckVideoSerializer
    filter_backends = []

    def get_queryset(self):
        return super().get_queryset().order_by("-created_at", "-id")


@extend_schema_view(
    list=extend_schema(summary="A client's form-check videos, newest first"),
    retrieve=extend_schema(
        summary="A form-check video", responses={200: FormCheckVideoSerializer, 404: ErrorSerializer}
    ),
    destroy=extend_schema(summary="Delete a form-check video", responses={204: None, **ERRORS}),
)
class ClientVideoViewSet(
    VideoMixin,
    ClientChildMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    def perform_destroy(self, instance):
        services.delete_form_check_video(video=instance, actor=self.request.user)

    @FILE_SCHEMA
    @action(detail=True, methods=["get"])
    def file(self, request, client_pk=None, pk=None):
        return video_file_response(request, self.get_object())

    @POSTER_SCHEMA
    @action(detail=True, methods=["get"])
    def poster(self, request, client_pk=None, pk=None):
        return video_poster_response(self.get_object())

    @extend_schema(
        summary="Reply about the video: a message in the client's conversation that links to it",
        request=VideoReplySerializer,
        responses={201: ThreadMessageSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, client_pk=None, pk=None):
        video = self.get_object()
        payload = VideoReplySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        message = services.reply_to_video(
            video=video,
            coach=request.user,
            body=payload.validated_data["body"],
            subject=payload.validated_data.get("subject", ""),
        )
        data = ThreadMessageSerializer(message, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="My form-check videos, newest first"),
    retrieve=extend_schema(
        summary="One of my form-check videos", responses={200: FormCheckVideoSerializer, 404: ErrorSerializer}
    ),
)
class MyVideoViewSet(VideoMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientViewSet):
    @FILE_SCHEMA
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        return video_file_response(request, self.get_object())

    @POSTER_SCHEMA
    @action(detail=True, methods=["get"])
    def poster(self, request, pk=None):
        return video_poster_response(self.get_object())
