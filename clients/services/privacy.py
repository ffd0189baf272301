"""The client's data rights: export (a ZIP built by the worker, downloadable for 7 days
through a signed link) and erasure (after a grace period, every app's eraser runs; an audit
row without personal data remains). See docs/privacy.md."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from datetime import timedelta

from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto import privacy
from mecto.errors import DomainError
from mecto.events import emit, register_event_type

from ..models import Client, DataExport, ErasureAudit, ErasureRequest

__all__ = [
    "EXPORT_DAYS",
    "DEFAULT_GRACE_DAYS",
    "MAX_GRACE_DAYS",
    "PrivacyError",
    "request_export",
    "build_export",
    "export_download_url_token",
    "export_from_token",
    "expire_exports",
    "request_erasure",
    "cancel_erasure",
    "run_erasure",
    "run_due_erasures",
    "client_reference",
]

EXPORT_DAYS = 7
DEFAULT_GRACE_DAYS = 30
MAX_GRACE_DAYS = 90
_SIGNING_SALT = "clients.data-export"

register_event_type("client.export_requested", gettext_lazy("A client's data export was requested"))
register_event_type("client.export_ready", gettext_lazy("A client's data export is ready to download"))
register_event_type("client.erasure_requested", gettext_lazy("A client's erasure was requested"))
register_event_type("client.erased", gettext_lazy("A client's personal data was erased"))


class PrivacyError(DomainError):
    pass


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- Export ---------------------------------------------------------------------------------------
@transaction.atomic
def request_export(*, client: Client, actor=None, by_client: bool = False) -> DataExport:
    """Queue an export of everything kept about the client; the worker builds it."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    if DataExport.objects.filter(
        client=client, status__in=[DataExport.Status.QUEUED, DataExport.Status.BUILDING]
    ).exists():
        raise PrivacyError(_("An export is already being built. It will be ready in a minute or two."))
    export = DataExport.objects.create(
        organization=client.organization, client=client, requested_by=_user(actor), by_client=by_client
    )
    emit(
        client.organization,
        "client.export_requested",
        {"client_id": client.pk, "export_id": export.pk, "by_client": by_client},
        actor=actor,
        client=client,
    )
    transaction.on_commit(lambda: _enqueue_build(export.pk))
    return export


def _enqueue_build(export_id: int) -> None:
    from ..tasks import build_data_export

    build_data_export.delay(export_id)


def _set_progress(export: DataExport, percent: int) -> None:
    # Outside any transaction: the page polling the export sees each step.
    export.progress = percent
    DataExport.objects.filter(pk=export.pk).update(progress=percent)


def build_export(*, export_id: int) -> DataExport:
    """Build the ZIP: data.json with every section, one CSV per section, the files under files/."""
    export = DataExport.objects.select_related("client", "organization").get(pk=export_id)
    if export.status not in (DataExport.Status.QUEUED, DataExport.Status.FAILED):
        return export
    DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.BUILDING, progress=0, error="")
    export.status = DataExport.Status.BUILDING
    try:
        _write_archive(export)
    except Exception as exc:
        DataExport.objects.filter(pk=export.pk).update(
            status=DataExport.Status.FAILED, error=str(exc)[:300] or exc.__class__.__name__
        )
        raise
    export.refresh_from_db()
    return export


def _write_archive(export: DataExport) -> None:
    client = export.client
    participants = privacy.exporters()
    sections: dict[str, list[dict]] = {}
    files: list[tuple[str, str]] = []
    for index, participant in enumerate(participants, start=1):
        part = participant.exporter(client)
        sections.update(part.sections)
        files += part.files
        _set_progress(export, int(70 * index / max(len(participants), 1)))

    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            document = {
                "exported_at": timezone.now().isoformat(),
                "business": export.organization.name,
                "client": str(client.public_id),
                "sections": sections,
                "files": [path for _name, path in files],
            }
            archive.writestr("data.json", json.dumps(document, cls=DjangoJSONEncoder, indent=1, ensure_ascii=False))
            for name, data in sections.items():
                archive.writestr(f"csv/{name}.csv", _csv(data))
            _set_progress(export, 80)
            for stored, path in files:
                try:
                    with default_storage.open(stored, "rb") as source:
                        archive.writestr(f"files/{path}", source.read())
                except (FileNotFoundError, OSError):
                    continue  # a file lost from storage: the row still says it existed
        _set_progress(export, 95)
        handle.seek(0)
        with transaction.atomic():
            export.file.save(f"{export.public_id}.zip", File(handle), save=False)
            now = timezone.now()
            export.size_bytes = export.file.size
            export.status = DataExport.Status.READY
            export.progress = 100
            export.finished_at = now
            export.expires_at = now + timedelta(days=EXPORT_DAYS)
            export.save(update_fields=["file", "size_bytes", "status", "progress", "finished_at", "expires_at"])
            emit(
                export.organization,
                "client.export_ready",
                {"client_id": client.pk, "export_id": export.pk},
                client=client,
            )


def _csv(data: list[dict]) -> str:
    out = io.StringIO()
    columns: list[str] = []
    for row in data:
        columns += [key for key in row if key not in columns]
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in data:
        writer.writerow(
            {
                key: json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
                if isinstance(value, dict | list)
                else value
                for key, value in row.items()
            }
        )
    return out.getvalue()


def export_download_url_token(export: DataExport) -> str:
    """The signed part of the download link: the export's public id, valid for EXPORT_DAYS."""
    return signing.TimestampSigner(salt=_SIGNING_SALT).sign(str(export.public_id))


def export_from_token(token: str) -> DataExport:
    """The ready export a download link names; a forged, expired or used-up link is refused."""
    try:
        public_id = signing.TimestampSigner(salt=_SIGNING_SALT).unsign(token, max_age=timedelta(days=EXPORT_DAYS))
    except signing.SignatureExpired as exc:
        raise PrivacyError(_("This download link has expired. Ask for a new export.")) from exc
    except signing.BadSignature as exc:
        raise PrivacyError(_("This download link is not valid.")) from exc
    export = DataExport.objects.filter(public_id=public_id, status=DataExport.Status.READY).first()
    if export is None or not export.file or (export.expires_at and export.expires_at <= timezone.now()):
        raise PrivacyError(_("This download link has expired. Ask for a new export."))
    return export


def expire_exports() -> int:
    """Beat: exports past their 7 days lose their file and are marked expired."""
    due = DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=timezone.now())
    count = 0
    for export in due:
        name = export.file.name
        with transaction.atomic():
            DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.EXPIRED, file="")
            privacy.remove_files_on_commit([name])
        count += 1
    return count


# --- Erasure --------------------------------------------------------------------------------------
def client_reference(client: Client) -> str:
    """A one-way reference for the erased client (in the audit and on kept invoices)."""
    return hashlib.sha256(f"{client.organization_id}:{client.public_id}".encode()).hexdigest()[:10]


@transaction.atomic
def request_erasure(
    *, client: Client, actor=None, by_client: bool = False, grace_days: int | None = None
) -> ErasureRequest:
    """Ask for the client to be erased once the grace period is over (cancellable until then)."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    grace_days = DEFAULT_GRACE_DAYS if grace_days is None else grace_days
    if not isinstance(grace_days, int) or not 0 <= grace_days <= MAX_GRACE_DAYS:
        raise PrivacyError(
            _("Choose a grace period from 0 to %(max)d days.") % {"max": MAX_GRACE_DAYS}, field="grace_days"
        )
    if ErasureRequest.objects.filter(client=client, status=ErasureRequest.Status.PENDING).exists():
        raise PrivacyError(_("An erasure is already scheduled. Cancel it first to change it."))
    erasure = ErasureRequest.objects.create(
        organization=client.organization,
        client=client,
        requested_by=_user(actor),
        by_client=by_client,
        grace_until=timezone.now() + timedelta(days=grace_days),
    )
    emit(
        client.organization,
        "client.erasure_requested",
        {
            "client_id": client.pk,
            "erasure_id": erasure.pk,
            "by_client": by_client,
            "runs_after": erasure.grace_until.isoformat(),
        },
        actor=actor,
        client=client,
    )
    return erasure


@transaction.atomic
def cancel_erasure(*, erasure: ErasureRequest, actor=None) -> ErasureRequest:
    erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
    if erasure.status != ErasureRequest.Status.PENDING:
        raise PrivacyError(_("Only a pending erasure can be cancelled."))
    erasure.status = ErasureRequest.Status.CANCELLED
    erasure.cancelled_at = timezone.now()
    erasure.save(update_fields=["status", "cancelled_at"])
    return erasure


@transaction.atomic
def run_erasure(*, erasure: ErasureRequest, actor=None) -> ErasureAudit:
    """Erase the client now (the request must be due): every app's eraser runs, in one
    transaction; files go after commit. Leaves an ErasureAudit without personal data."""
    erasure = ErasureRequest.objects.select_for_update(of=("self",)).select_related("client").get(pk=erasure.pk)
    if erasure.status != ErasureRequest.Status.PENDING or erasure.client is None:
        raise PrivacyError(_("This erasure is not pending."))
    if erasure.grace_until > timezone.now():
        raise PrivacyError(_("The grace period of this erasure is not over yet."))
    client = erasure.client
    organization = client.organization
    client_id = client.pk
    reference = client_reference(client)
    erasure.client_reference = reference  # read by erasers that keep anonymised rows
    summary: dict[str, int] = {}
    for participant in privacy.erasers():
        for label, count in (participant.eraser(client, request=erasure) or {}).items():
            summary[label] = summary.get(label, 0) + count
    # The exports of this client went with the client row; their files go too.
    erasure.status = ErasureRequest.Status.DONE
    erasure.done_at = timezone.now()
    erasure.client = None
    erasure.save(update_fields=["status", "done_at", "client"])
    audit = ErasureAudit.objects.create(
        organization=organization,
        request=erasure,
        client_reference=reference,
        requested_by=erasure.requested_by,
        by_client=erasure.by_client,
        requested_at=erasure.requested_at,
        run_by=_user(actor),
        summary=summary,
    )
    emit(organization, "client.erased", {"client_id": client_id, "erasure_id": erasure.pk}, actor=actor)
    return audit


def run_due_erasures() -> int:
    """Beat: run every pending erasure whose grace period is over."""
    due = ErasureRequest.objects.filter(
        status=ErasureRequest.Status.PENDING, grace_until__lte=timezone.now(), client__isnull=False
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        try:
            run_erasure(erasure=ErasureRequest(pk=pk))
        except PrivacyError:
            continue  # cancelled or run meanwhile: nothing to do
        count += 1
    return count
