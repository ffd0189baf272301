"""Form-check videos: a client's clip, checked by its contents and stored privately, on a
message or a logged set; and the coach's reply about one, sent in the conversation."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from mecto.events import emit, register_event_type
from mecto.images import clean_image
from mecto.videos import FORM_CHECK_MAX_SECONDS, VideoInfo, clean_video

from ..models import Client, FormCheckReply, FormCheckVideo, Message, Thread
from .photos import delete_files_on_commit

__all__ = [
    "CheckedVideo",
    "check_form_check_video",
    "store_form_check_video",
    "upload_form_check_video",
    "reply_to_video",
    "delete_form_check_video",
]

register_event_type("form_check.uploaded", _("A client sent a form-check video"))


@dataclass
class CheckedVideo:
    upload: object
    info: VideoInfo
    poster: bytes | None
    name: str


def check_form_check_video(*, file, poster=None) -> CheckedVideo:
    """Refuse a clip that is not an MP4, MOV or WebM video within the limits, and a poster
    that is not a photo; nothing is stored yet, so a caller checks before it writes."""
    info = clean_video(file, field="video", max_seconds=FORM_CHECK_MAX_SECONDS)
    poster_bytes = clean_image(poster, field="poster").full if poster is not None else None
    name = (getattr(file, "name", "") or "").rsplit("/", 1)[-1]
    base = name.rsplit(".", 1)[0][:100] or "video"
    return CheckedVideo(upload=file, info=info, poster=poster_bytes, name=f"{base}.{info.extension}")


def store_form_check_video(*, client: Client, checked: CheckedVideo, actor=None, message=None) -> FormCheckVideo:
    """Store a checked clip (and its poster) for `client`; inside the caller's transaction."""
    video = FormCheckVideo(
        organization=client.organization,
        client=client,
        message=message,
        container=checked.info.container,
        duration_ms=round(checked.info.duration_seconds * 1000),
        width=checked.info.width,
        height=checked.info.height,
        size_bytes=checked.info.size_bytes,
        original_name=checked.name,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    checked.upload.seek(0)
    video.file.save(f"clip.{checked.info.extension}", checked.upload, save=False)
    if checked.poster:
        video.poster.save("poster.jpg", ContentFile(checked.poster), save=False)
    video.save()
    emit(
        client.organization,
        "form_check.uploaded",
        {"client_id": client.pk, "video_id": video.pk, "message_id": message.pk if message else None},
        actor=actor,
        client=client,
    )
    return video


@transaction.atomic
def upload_form_check_video(*, client: Client, file, poster=None, actor=None, message=None) -> FormCheckVideo:
    """Check and store a form-check video of `client` (for a logged set: no message)."""
    from .messaging import _check_participant

    _check_participant(client, actor)
    return store_form_check_video(
        client=client, checked=check_form_check_video(file=file, poster=poster), actor=actor, message=message
    )


def _thread_for(video: FormCheckVideo, coach, subject: str) -> Thread:
    from .messaging import start_thread

    if video.message_id:
        return video.message.thread
    thread = Thread.objects.filter(client=video.client).order_by("-last_message_at", "-id").first()
    return thread or start_thread(client=video.client, subject=subject or _("Form check"), actor=coach)


@transaction.atomic
def reply_to_video(*, video: FormCheckVideo, coach, body: str, subject: str = "") -> Message:
    """The coach's answer to a form-check video: a message in the client's conversation (the
    video's own, for one sent with a message) that links back to the video."""
    from .messaging import MessagingError, _check_participant, send_message

    if _check_participant(video.client, coach):
        raise MessagingError(_("Only the client's coaches reply to a form check."))
    if not (body or "").strip():
        raise MessagingError(_("Write your reply."), field="body")
    message = send_message(thread=_thread_for(video, coach, subject), sender=coach, body=body)
    FormCheckReply.objects.create(organization=video.organization, video=video, message=message)
    return message


@transaction.atomic
def delete_form_check_video(*, video: FormCheckVideo, actor=None) -> None:
    delete_files_on_commit([video.file.name, video.poster.name if video.poster else ""])
    video.delete()
