"""The coach's inbox: saved replies ("snippets") a coach inserts into a message."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mecto.fields import LimitedTextField
from mecto.tenancy import OrgOwned

__all__ = ["Snippet"]


class Snippet(OrgOwned):
    """A saved reply. With an `owner` it is that coach's own; without, the whole business's."""

    title = models.CharField(_("title"), max_length=80)
    body = LimitedTextField(_("text"), max_length=2000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("Empty: every coach of the business can use it."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None
