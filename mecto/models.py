"""Cross-cutting models: tenancy bases live in mecto.tenancy; here, process liveness."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a background process (worker, beat) proved it was alive."""

    WORKER = "worker"
    BEAT = "beat"

    name = models.CharField(_("process"), max_length=32, primary_key=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def record(cls, name: str) -> None:
        cls.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})

    @property
    def is_alive(self) -> bool:
        return timezone.now() - self.seen_at < timedelta(seconds=settings.HEARTBEAT_STALE_AFTER)
