"""How a form-check video reads in the API (on its own and inside a message)."""

from django.urls import reverse
from rest_framework import serializers

from ..models import FormCheckVideo


class FormCheckVideoSerializer(serializers.ModelSerializer):
    """A form-check video. `url` and `poster_url` are for a signed-in browser (session);
    the app reads the same bytes through the `file` and `poster` actions with its token."""

    duration_seconds = serializers.SerializerMethodField()
    content_type = serializers.CharField(read_only=True)
    has_poster = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    poster_url = serializers.SerializerMethodField()
    reply_count = serializers.SerializerMethodField()

    class Meta:
        model = FormCheckVideo
        fields = [
            "id",
            "public_id",
            "client",
            "message",
            "container",
            "content_type",
            "duration_seconds",
            "width",
            "height",
            "size_bytes",
            "has_poster",
            "url",
            "poster_url",
            "reply_count",
            "created_at",
        ]
        read_only_fields = fields

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_duration_seconds(self, video) -> float:
        return round(video.duration_ms / 1000, 1)

    def get_has_poster(self, video) -> bool:
        return bool(video.poster)

    def get_url(self, video) -> str:
        return self._absolute(reverse("clients:video_file", args=[video.public_id]))

    def get_poster_url(self, video) -> str:
        return self._absolute(reverse("clients:video_poster", args=[video.public_id]))

    def get_reply_count(self, video) -> int:
        return len(video.replies.all())
