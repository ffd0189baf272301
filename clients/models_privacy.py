"""The client's data rights: an export of everything kept about them, a request to be erased
(with a grace period), and the audit row that outlives the erasure without personal data.

Imported by `clients.models`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from mecto.tenancy import OrgOwned

__all__ = ["DataExport", "ErasureAudit", "ErasureRequest"]


def _export_path(instance, filename: str) -> str:
    # A random name under the business; served only through a signed, expiring link.
    return f"exports/{instance.organization_id}/{uuid.uuid4().hex}.zip"


class DataExport(OrgOwned):
    """A ZIP of everything kept about one client (JSON + CSV + files), built by the worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        BUILDING = "building", _("Building")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="data_exports", verbose_name=_("client")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    by_client = models.BooleanField(_("asked by the client"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("archive"), upload_to=_export_path, max_length=200, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("size"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{_('Export')} {self.public_id} · {self.get_status_display()}"


class ErasureRequest(OrgOwned):
    """A request to erase a client, run by the worker once its grace period is over."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CANCELLED = "cancelled", _("Cancelled")
        DONE = "done", _("Done")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Empty once the erasure ran: the client row is gone.
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="erasure_requests",
        verbose_name=_("client"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    by_client = models.BooleanField(_("asked by the client"), default=False)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    grace_until = models.DateTimeField(_("runs after"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{_('Erasure')} {self.public_id} · {self.get_status_display()}"


class ErasureAudit(OrgOwned):
    """Proof that an erasure ran: who asked, when, and counts per table. No personal data:
    the client is named only by a one-way reference."""

    request = models.OneToOneField(
        ErasureRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit"
    )
    client_reference = models.CharField(_("client reference"), max_length=40)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    by_client = models.BooleanField(_("asked by the client"), default=False)
    requested_at = models.DateTimeField(_("requested"))
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("run by"),
    )
    erased_at = models.DateTimeField(_("erased"), auto_now_add=True)
    summary = models.JSONField(_("what was erased"), default=dict, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("erasure audit")
        verbose_name_plural = _("erasure audits")
        ordering = ["-erased_at", "-id"]

    def __str__(self) -> str:
        return self.client_reference
