"""The exercise library: the shared data set, the business's own exercises and overrides."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mecto.errors import DomainError
from mecto.images import clean_image
from mecto.videos import EXERCISE_CLIP_MAX_SECONDS, clean_video

from .. import catalogue, movement
from ..models import Exercise, ExerciseOverride
from ..video import link_kind
from ._common import TrainingError, _unknown

__all__ = [
    "DATA_FILE",
    "LIBRARY_FIELDS",
    "library_values",
    "load_exercise_library",
    "EXERCISE_FIELDS",
    "create_exercise",
    "update_exercise",
    "save_exercise_override",
    "check_video_link",
]


DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "exercises.json"


LIBRARY_FIELDS = [
    "name",
    "aliases",
    "primary_muscles",
    "secondary_muscles",
    "equipment",
    "mechanic",
    "force",
    "level",
    "category",
    "movement_pattern",
]


def library_values(record: dict) -> dict:
    """The fields of an Exercise from one record of the data set."""
    return {
        "name": record["name"].strip(),
        "aliases": movement.derive_aliases(record["name"].strip()),
        "primary_muscles": list(record.get("primaryMuscles") or []),
        "secondary_muscles": list(record.get("secondaryMuscles") or []),
        "equipment": record.get("equipment") or "",
        "mechanic": record.get("mechanic") or "",
        "force": record.get("force") or "",
        "level": record.get("level") or "beginner",
        "category": record.get("category") or "strength",
        "movement_pattern": movement.derive_movement_pattern(record),
    }


@transaction.atomic
def load_exercise_library(*, path: Path | str | None = None) -> dict[str, int]:
    """Load (or refresh) the shared exercise library from the data set; re-running updates
    changed rows and never duplicates. Returns counts of created, updated and unchanged rows."""
    records = json.loads(Path(path or DATA_FILE).read_text(encoding="utf-8"))
    existing = {e.slug: e for e in Exercise.objects.library()}
    to_create, to_update, unchanged = [], [], 0
    seen: set[str] = set()
    for record in records:
        slug = str(record["id"])[:120]
        if slug in seen:
            continue
        seen.add(slug)
        values = library_values(record)
        exercise = existing.get(slug)
        if exercise is None:
            exercise = Exercise(slug=slug, **values)
            exercise.refresh_index()
            to_create.append(exercise)
        elif any(getattr(exercise, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(exercise, key, value)
            exercise.refresh_index()
            to_update.append(exercise)
        else:
            unchanged += 1
    Exercise.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Exercise.objects.bulk_update(
            to_update, [*LIBRARY_FIELDS, "search_text", "common_name", "muscle_index"], batch_size=500
        )
    if to_create or to_update:  # bulk writes send no signals: the catalogue's cached answers go here
        catalogue.library_changed()
    return {"created": len(to_create), "updated": len(to_update), "unchanged": unchanged}


EXERCISE_FIELDS = set(LIBRARY_FIELDS) | {"is_archived"}


def _clean_exercise_fields(fields: dict) -> dict:
    _unknown(fields, EXERCISE_FIELDS)
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise TrainingError(_("Give the exercise a name."), field="name")
    for key in ("primary_muscles", "secondary_muscles"):
        if key in fields:
            muscles = list(dict.fromkeys(fields[key] or []))
            bad = [m for m in muscles if m not in movement.MUSCLES]
            if bad:
                raise TrainingError(_("Unknown muscle: %(m)s") % {"m": ", ".join(bad)}, field=key)
            fields[key] = muscles
    if "primary_muscles" in fields and not fields["primary_muscles"]:
        raise TrainingError(_("Choose at least one primary muscle."), field="primary_muscles")
    if "aliases" in fields:
        fields["aliases"] = [a.strip() for a in fields["aliases"] or [] if a and a.strip()][:20]
    choices = {
        "equipment": ["", *movement.EQUIPMENT],
        "mechanic": ["", *movement.MECHANICS],
        "force": ["", *movement.FORCES],
        "level": movement.LEVELS,
        "category": movement.CATEGORIES,
        "movement_pattern": movement.PATTERNS,
    }
    for key, allowed in choices.items():
        if key in fields and fields[key] not in allowed:
            raise TrainingError(_("“%(v)s” is not a valid choice.") % {"v": fields[key]}, field=key)
    return fields


def _check_name_free(organization, name: str, exclude_pk: int | None = None) -> None:
    qs = Exercise.objects.filter(organization=organization, name__iexact=name)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise TrainingError(_("Your library already has an exercise called %(name)s.") % {"name": name}, field="name")


@transaction.atomic
def create_exercise(*, organization, actor=None, **fields) -> Exercise:
    """Add an exercise of the business's own; its movement pattern is derived when not given."""
    fields = dict(fields)
    if not fields.get("movement_pattern"):
        fields.pop("movement_pattern", None)
    fields = _clean_exercise_fields(fields)
    if "name" not in fields:
        raise TrainingError(_("Give the exercise a name."), field="name")
    if not fields.get("primary_muscles"):
        raise TrainingError(_("Choose at least one primary muscle."), field="primary_muscles")
    _check_name_free(organization, fields["name"])
    if not fields.get("movement_pattern"):
        fields["movement_pattern"] = movement.derive_movement_pattern(
            {
                "name": fields["name"],
                "category": fields.get("category", "strength"),
                "equipment": fields.get("equipment", ""),
                "primaryMuscles": fields["primary_muscles"],
                "force": fields.get("force", ""),
            }
        )
    base = slugify(fields["name"], allow_unicode=True)[:100] or "exercise"
    slug, n = base, 1
    while Exercise.objects.filter(organization=organization, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Exercise.objects.create(
        organization=organization, slug=slug, created_by=actor if getattr(actor, "pk", None) else None, **fields
    )


@transaction.atomic
def update_exercise(*, exercise: Exercise, organization, actor=None, **fields) -> Exercise:
    """Change one of the business's own exercises; library exercises are changed through an
    override (instructions, cues, video) instead."""
    if exercise.organization_id != organization.pk:
        raise TrainingError(
            _("Library exercises are shared: add your instructions, cues and video to them instead of editing.")
        )
    fields = dict(fields)
    if "movement_pattern" in fields and not fields["movement_pattern"]:
        fields.pop("movement_pattern")
    fields = _clean_exercise_fields(fields)
    if "name" in fields:
        _check_name_free(organization, fields["name"], exclude_pk=exercise.pk)
    for key, value in fields.items():
        setattr(exercise, key, value)
    exercise.save()
    return exercise


def check_video_link(url: str, *, field: str = "video_url") -> str:
    """The link, trimmed, when it is one we can play (YouTube, Vimeo, an https MP4 file)."""
    url = (url or "").strip()
    if url and link_kind(url) is None:
        raise TrainingError(
            _("Use a YouTube or Vimeo link to a single video, or an https link to an MP4 file."), field=field
        )
    return url


@transaction.atomic
def save_exercise_override(
    *,
    organization,
    exercise: Exercise,
    actor=None,
    instructions: str | None = None,
    cues: str | None = None,
    video_url: str | None = None,
    video_file=None,
    remove_video_file: bool = False,
    image=None,
    remove_image: bool = False,
) -> ExerciseOverride:
    """Set the business's own instructions, cues and media (a video link or an uploaded clip,
    and an image) on an exercise it can see; a library exercise's shared row is never changed.
    The clip and the image are checked by their contents before anything is written."""
    if exercise.organization_id not in (None, organization.pk):
        raise TrainingError(_("This exercise is not in your library."))
    if video_url is not None:
        video_url = check_video_link(video_url)
    try:
        clip = (
            clean_video(video_file, field="video_file", max_seconds=EXERCISE_CLIP_MAX_SECONDS) if video_file else None
        )
        picture = clean_image(image, field="image") if image is not None else None
    except DomainError as exc:  # the clip's or the image's own wording, as this service's error
        raise TrainingError(exc.message, field=exc.field) from exc
    override, _created = ExerciseOverride.objects.select_for_update().get_or_create(
        organization=organization, exercise=exercise
    )
    stale: list[str] = []
    if instructions is not None:
        override.instructions = instructions.strip()
    if cues is not None:
        override.cues = "\n".join(line.strip() for line in cues.splitlines() if line.strip())
    if video_url is not None:
        override.video_url = video_url
    if (remove_video_file or clip is not None) and override.video_file:
        stale.append(override.video_file.name)
        override.video_file, override.video_file_type, override.video_duration_ms = "", "", None
    if clip is not None:
        video_file.seek(0)
        override.video_file.save(f"clip.{clip.extension}", video_file, save=False)
        override.video_file_type = clip.content_type
        override.video_duration_ms = round(clip.duration_seconds * 1000)
    if (remove_image or picture is not None) and override.image:
        stale += [override.image.name, override.thumbnail.name]
        override.image = override.thumbnail = ""
    if picture is not None:
        override.image.save("image.jpg", ContentFile(picture.full), save=False)
        override.thumbnail.save("thumb.jpg", ContentFile(picture.thumbnail), save=False)
    override.updated_by = actor if getattr(actor, "pk", None) else None
    override.save()
    _delete_on_commit(stale)
    return override


def _delete_on_commit(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    def remove():
        for name in filter(None, names):
            try:
                default_storage.delete(name)
            except Exception:  # a missing file is already what we want
                pass

    if names:
        transaction.on_commit(remove)
