"""A form-check video on a logged set (imported by `training.models`).

The clip itself is the clients app's `FormCheckVideo` (checked by its contents, stored
privately, answered by the coach in the conversation); this row says which set it shows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mecto.tenancy import OrgOwned

__all__ = ["SetVideo"]


class SetVideo(OrgOwned):
    set_log = models.ForeignKey("training.SetLog", on_delete=models.CASCADE, related_name="videos")
    video = models.OneToOneField("clients.FormCheckVideo", on_delete=models.CASCADE, related_name="set_video")
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("set video")
        verbose_name_plural = _("set videos")
        ordering = ["set_log", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.set_log} · {self.video}"
