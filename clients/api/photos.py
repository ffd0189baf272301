"""Progress photo API: upload (multipart), list, the image bytes (permission-checked), delete."""

from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser

from mecto.api_base import ClientViewSet, ErrorSerializer, OrgGenericViewSet

from .. import services
from ..models import ProgressPhoto
from ..views.photos import photo_file_response
from .serializers import ProgressPhotoSerializer
from .views import ID, ClientChildMixin

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
POSE_FILTER = [OpenApiParameter("pose", OpenApiTypes.STR, enum=ProgressPhoto.Pose.values)]
IMAGE_SCHEMA = extend_schema(
    summary="The photo itself (JPEG); ?size=thumb for the thumbnail",
    parameters=[OpenApiParameter("size", OpenApiTypes.STR, enum=["full", "thumb"])],
    responses={(200, "image/jpeg"): OpenApiTypes.BINARY, 404: ErrorSerializer},
)


class PhotoMixin:
    queryset = ProgressPhoto.objects.select_related("client")
    serializer_class = ProgressPhotoSerializer
    parser_classes = [MultiPartParser, FormParser]
    lookup_value_regex = ID
    filter_backends = []

    def get_queryset(self):
        qs = super().get_queryset().order_by("-taken_on", "-id")
        pose = self.request.query_params.get("pose")
        return qs.filter(pose=pose) if pose in ProgressPhoto.Pose.values else qs

    def _upload(self, serializer, client, source):
        data = dict(serializer.validated_data)
        serializer.instance = services.upload_photo(
            client=client, file=data.pop("image"), actor=self.request.user, source=source, **data
        )

    def _image(self):
        photo = self.get_object()
        return photo_file_response(photo, "thumb" if self.request.query_params.get("size") == "thumb" else "full")


@extend_schema_view(
    list=extend_schema(summary="A client's progress photos", parameters=POSE_FILTER),
    retrieve=extend_schema(summary="A progress photo", responses={200: ProgressPhotoSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Upload a progress photo", responses={201: ProgressPhotoSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete a photo", responses={204: None, **ERRORS}),
)
class ClientPhotoViewSet(
    PhotoMixin,
    ClientChildMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    def perform_create(self, serializer):
        self._upload(serializer, self.get_client(), "coach")

    def perform_destroy(self, instance):
        services.delete_photo(photo=instance, actor=self.request.user)

    @IMAGE_SCHEMA
    @action(detail=True, methods=["get"])
    def image(self, request, client_pk=None, pk=None):
        return self._image()


@extend_schema_view(
    list=extend_schema(summary="My progress photos", parameters=POSE_FILTER),
    retrieve=extend_schema(summary="One of my photos", responses={200: ProgressPhotoSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Upload a progress photo", responses={201: ProgressPhotoSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete one of my photos", responses={204: None, **ERRORS}),
)
class MyPhotoViewSet(
    PhotoMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ClientViewSet,
):
    def perform_create(self, serializer):
        self._upload(serializer, self.request.tenant.client, "client")

    def perform_destroy(self, instance):
        services.delete_photo(photo=instance, actor=self.request.user)

    @IMAGE_SCHEMA
    @action(detail=True, methods=["get"])
    def image(self, request, pk=None):
        return self._image()
