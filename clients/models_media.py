"""Form-check videos: a short clip a client sends (with a message, or on a logged set) so
their coach can see the movement, and the coach's replies about it.

Imported by `clients.models`. The clip is checked by its contents (mecto.videos), stored
privately under a random name and served only, with byte ranges, to the client and their
business's coaches. The poster frame is a photo the browser drew from the first frame,
checked like any photo; without one, pages show a neutral placeholder.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mecto.tenancy import OrgOwned

__all__ = ["FormCheckVideo", "FormCheckReply"]


def _video_upload_path(instance, filename: str) -> str:
    # Never a guessable path: a random name under the business; served only through a checked view.
    extension = filename[filename.rfind(".") :] if "." in filename else ""
    return f"clients/{instance.organization_id}/videos/{uuid.uuid4().hex}{extension}"


class FormCheckVideo(OrgOwned):
    """A client's short video of an exercise, attached to a message or to a logged set."""

    class Container(models.TextChoices):
        MP4 = "mp4", "MP4"
        MOV = "mov", "MOV"
        WEBM = "webm", "WebM"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="form_check_videos")
    message = models.ForeignKey(
        "clients.Message",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="videos",
        verbose_name=_("message"),
        help_text=_("Empty for a video on a logged set."),
    )
    file = models.FileField(_("video"), upload_to=_video_upload_path, max_length=200)
    poster = models.FileField(_("poster frame"), upload_to=_video_upload_path, max_length=200, blank=True)
    container = models.CharField(_("format"), max_length=8, choices=Container.choices)
    duration_ms = models.PositiveIntegerField(_("length (ms)"))
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("size"))
    original_name = models.CharField(_("file name"), max_length=120, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("form-check video")
        verbose_name_plural = _("form-check videos")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "client", "-created_at"], name="formcheck_client_recent")]

    def __str__(self) -> str:
        return self.original_name or f"{self.client} · {self.created_at:%Y-%m-%d}"

    @property
    def content_type(self) -> str:
        return {"mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm"}[self.container]

    @property
    def duration_seconds(self) -> int:
        return round(self.duration_ms / 1000)


class FormCheckReply(OrgOwned):
    """A coach's message in the conversation that answers one form-check video."""

    video = models.ForeignKey(FormCheckVideo, on_delete=models.CASCADE, related_name="replies")
    message = models.OneToOneField("clients.Message", on_delete=models.CASCADE, related_name="replying_to")
    created_at = models.DateTimeField(_("replied"), auto_now_add=True)

    class Meta:
        verbose_name = _("form-check reply")
        verbose_name_plural = _("form-check replies")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.message} → {self.video}"
