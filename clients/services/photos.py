"""Progress photos: validated, cleaned, stored through Django's storage API."""

from __future__ import annotations

import datetime
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.errors import DomainError
from mecto.events import emit, register_event_type
from mecto.images import clean_image

from ..models import Client, ProgressPhoto

__all__ = ["PhotoError", "upload_photo", "delete_photo", "delete_files_on_commit"]

register_event_type("photo.uploaded", gettext_lazy("A progress photo was uploaded"))


class PhotoError(DomainError):
    pass


def delete_files_on_commit(names: list[str]) -> None:
    """Remove stored files once the rows that pointed at them are gone for good."""
    names = [n for n in names if n]

    def remove():
        for name in names:
            try:
                default_storage.delete(name)
            except Exception:  # a missing file is already what we want
                pass

    transaction.on_commit(remove)


@transaction.atomic
def upload_photo(
    *,
    client: Client,
    file,
    taken_on=None,
    pose: str = ProgressPhoto.Pose.FRONT,
    note: str = "",
    actor=None,
    source: str = "coach",
) -> ProgressPhoto:
    """Check the file with Pillow, strip EXIF (GPS) and turn it upright, make a thumbnail,
    store both privately and emit `photo.uploaded`. Bad files store nothing."""
    if pose not in ProgressPhoto.Pose.values:
        raise PhotoError(_("Choose a pose: front, side, back or other."), field="pose")
    if file is None:
        raise PhotoError(_("Choose a photo to upload."), field="image")
    if taken_on in (None, ""):
        from mecto.localization import zone

        taken_on = timezone.localdate(timezone=zone(client.time_zone))
    elif not isinstance(taken_on, datetime.date):
        try:
            taken_on = datetime.date.fromisoformat(str(taken_on))
        except ValueError:
            raise PhotoError(_("Enter a date like 2026-03-31."), field="taken_on")
    clean = clean_image(file)
    photo = ProgressPhoto(
        organization=client.organization,
        client=client,
        taken_on=taken_on,
        pose=pose,
        note=(note or "")[:300],
        width=clean.width,
        height=clean.height,
        size_bytes=len(clean.full),
        source=source,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    stem = uuid.uuid4().hex
    photo.image.save(f"{stem}.jpg", ContentFile(clean.full), save=False)
    photo.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(clean.thumbnail), save=False)
    try:
        photo.save()
    except Exception:
        default_storage.delete(photo.image.name)
        default_storage.delete(photo.thumbnail.name)
        raise
    emit(
        client.organization,
        "photo.uploaded",
        {"client_id": client.pk, "photo_id": photo.pk, "pose": pose, "taken_on": taken_on.isoformat()},
        actor=actor,
        client=client,
    )
    return photo


@transaction.atomic
def delete_photo(*, photo: ProgressPhoto, actor=None) -> None:
    names = [photo.image.name, photo.thumbnail.name]
    photo.delete()
    delete_files_on_commit(names)
