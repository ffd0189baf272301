"""Form-check videos on logged sets: the client films a set, the coach watches and replies."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from clients import services as client_services

from ..models import SetLog, SetVideo
from ._common import TrainingError

__all__ = ["MAX_VIDEOS_PER_SET", "attach_set_video", "delete_set_video", "reply_to_set_video", "set_video_subject"]

MAX_VIDEOS_PER_SET = 3


def set_video_subject(set_log: SetLog) -> str:
    return _("Form check: %(exercise)s, set %(n)d") % {"exercise": set_log.exercise.name, "n": set_log.set_number}


@transaction.atomic
def attach_set_video(*, set_log: SetLog, file, poster=None, actor=None) -> SetVideo:
    """Check and store a clip of one logged set (the client's, or a coach filming them)."""
    if file is None:
        raise TrainingError(_("Choose a video of the set."), field="video")
    if SetVideo.objects.filter(set_log=set_log).count() >= MAX_VIDEOS_PER_SET:
        raise TrainingError(
            _("A set can have up to %(n)d videos: remove one first.") % {"n": MAX_VIDEOS_PER_SET}, field="video"
        )
    video = client_services.upload_form_check_video(client=set_log.client, file=file, poster=poster, actor=actor)
    return SetVideo.objects.create(organization=set_log.organization, set_log=set_log, video=video)


@transaction.atomic
def delete_set_video(*, set_video: SetVideo, actor=None) -> None:
    client_services.delete_form_check_video(video=set_video.video, actor=actor)


def reply_to_set_video(*, set_video: SetVideo, coach, body: str):
    """The coach's reply about a set's video, in the client's conversation, named after the set."""
    return client_services.reply_to_video(
        video=set_video.video, coach=coach, body=body, subject=set_video_subject(set_video.set_log)
    )
