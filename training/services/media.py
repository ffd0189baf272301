"""Form-check videos on logged sets: the client films a set, the coach watches and replies."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from clients import services as client_services

from ..models import SetLog, SetVideo
from ._common import TrainingError

__all__ = [
    "MAX_VIDEOS_PER_SET",
    "attach_set_video",
    "delete_set_video",
    "reply_to_set_video",
    "set_video_subject",
    "MAX_IMPORT_BYTES",
    "VideoLinkImport",
    "preview_video_link_import",
    "import_video_links",
]

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


# --- Importing exercise video links from a CSV -------------------------------------------------------
MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_ROWS = 2000
NAME_COLUMNS = ("name", "exercise", "exercise name")
LINK_COLUMNS = ("video_url", "video", "url", "link", "video link")


@dataclass
class VideoLinkImport:
    """What a CSV of video links would do (or did): rows matched to exercises, names we do not
    know, and rows refused with why. Applied only when nothing was unknown or refused."""

    rows: int = 0
    matched: list[dict] = field(default_factory=list)
    unknown: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    applied: bool = False

    @property
    def can_apply(self) -> bool:
        return bool(self.matched) and not self.unknown and not self.errors

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "matched": self.matched,
            "unknown": self.unknown,
            "errors": self.errors,
            "can_apply": self.can_apply,
            "applied": self.applied,
        }


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _read_csv(data: bytes) -> list[tuple[int, str, str]]:
    if len(data) > MAX_IMPORT_BYTES:
        raise TrainingError(_("The file is larger than 1 MB: split it into smaller files."), field="file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TrainingError(_("Save the file as CSV (UTF-8) and upload it again."), field="file") from None
    if "\x00" in text:
        raise TrainingError(_("This file is not a CSV file."), field="file")
    reader = csv.reader(io.StringIO(text))
    try:
        header = [_key(h) for h in next(reader, [])]
        name_col = next((header.index(c) for c in NAME_COLUMNS if c in header), None)
        link_col = next((header.index(c) for c in LINK_COLUMNS if c in header), None)
        if name_col is None or link_col is None:
            raise TrainingError(_("The first row must name the columns: name and video_url."), field="file")
        rows = []
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) >= MAX_IMPORT_ROWS:
                raise TrainingError(
                    _("A file can have up to %(n)d rows: split it into smaller files.") % {"n": MAX_IMPORT_ROWS},
                    field="file",
                )
            rows.append((number, _cell(row, name_col), _cell(row, link_col)))
    except csv.Error:
        raise TrainingError(_("This file is not a CSV file we can read."), field="file") from None
    if not rows:
        raise TrainingError(_("The file has no rows below its header."), field="file")
    return rows


def preview_video_link_import(*, organization, data: bytes) -> VideoLinkImport:
    """Match each row's name to an exercise the business can see (its own first, then the
    shared library) and check each link; nothing is written."""
    from ..models import Exercise, ExerciseOverride
    from .library import check_video_link

    rows = _read_csv(data)
    by_name: dict[str, tuple[int, str]] = {}
    for pk, name, org_id in (
        Exercise.objects.for_org(organization).active().values_list("id", "name", "organization_id")
    ):
        if org_id is not None or _key(name) not in by_name:  # the business's own exercise wins
            by_name[_key(name)] = (pk, name)
    current = dict(
        ExerciseOverride.objects.for_org(organization).exclude(video_url="").values_list("exercise_id", "video_url")
    )
    report, seen = VideoLinkImport(rows=len(rows)), {}
    for number, name, link in rows:
        if not name:
            report.errors.append({"row": number, "name": "", "message": _("The name is empty.")})
            continue
        found = by_name.get(_key(name))
        if found is None:
            report.unknown.append({"row": number, "name": name})
            continue
        if found[0] in seen:
            report.errors.append(
                {"row": number, "name": name, "message": _("Also on row %(row)d.") % {"row": seen[found[0]]}}
            )
            continue
        seen[found[0]] = number
        try:
            link = check_video_link(link)
        except TrainingError as exc:
            report.errors.append({"row": number, "name": name, "message": exc.message})
            continue
        if not link:
            report.errors.append({"row": number, "name": name, "message": _("The video link is empty.")})
            continue
        report.matched.append(
            {"row": number, "name": name, "exercise_id": found[0], "exercise": found[1], "video_url": link,
             "replaces": current.get(found[0], "")}
        )  # fmt: skip
    return report


@transaction.atomic
def import_video_links(*, organization, actor, data: bytes) -> VideoLinkImport:
    """Set every row's link on its exercise, all or nothing: with an unknown name or a refused
    row, the report says so and nothing changes."""
    from ..models import Exercise
    from .library import save_exercise_override

    report = preview_video_link_import(organization=organization, data=data)
    if not report.can_apply:
        return report
    exercises = Exercise.objects.for_org(organization).in_bulk([row["exercise_id"] for row in report.matched])
    for row in report.matched:
        save_exercise_override(
            organization=organization, exercise=exercises[row["exercise_id"]], actor=actor, video_url=row["video_url"]
        )
    report.applied = True
    return report
