"""CSV import of clients: upload, column mapping, preview, and a resumable background run.

Valid rows go in, invalid rows are reported with their row number and field; a run that
is interrupted continues where it stopped (each chunk of rows commits with its progress).
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import re
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from mecto.errors import DomainError
from mecto.localization import validate_time_zone

from ..models import Client, ClientImport

__all__ = [
    "ClientImportError",
    "IMPORT_FIELDS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "upload_import",
    "set_import_mapping",
    "preview_import",
    "start_import",
    "run_import",
]

logger = logging.getLogger(__name__)
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
CHUNK = 200
MAX_STORED_ERRORS = 2000

# Target fields a column can be mapped to, with the header names that suggest them.
IMPORT_FIELDS = {
    "first_name": (gettext_lazy("First name"), ["first name", "firstname", "given name", "first", "forename"]),
    "last_name": (gettext_lazy("Last name"), ["last name", "lastname", "surname", "family name", "last"]),
    "full_name": (gettext_lazy("Full name (split at the first space)"), ["name", "full name", "client", "client name"]),
    "email": (gettext_lazy("Email"), ["email", "e-mail", "email address", "mail"]),
    "phone": (gettext_lazy("Phone"), ["phone", "mobile", "telephone", "phone number", "cell"]),
    "status": (gettext_lazy("Status (lead, trial, active, paused, former)"), ["status", "stage", "lifecycle"]),
    "tags": (gettext_lazy("Tags (separated by ; or ,)"), ["tags", "tag", "labels", "groups"]),
    "coach": (gettext_lazy("Coach (their email)"), ["coach", "trainer", "coach email"]),
    "date_of_birth": (gettext_lazy("Date of birth"), ["date of birth", "dob", "birthday", "birth date", "birthdate"]),
    "sex": (gettext_lazy("Sex"), ["sex", "gender"]),
    "height_cm": (gettext_lazy("Height (cm)"), ["height", "height cm", "height (cm)"]),
    "goals": (gettext_lazy("Goals"), ["goals", "goal", "objectives"]),
    "emergency_contact_name": (gettext_lazy("Emergency contact"), ["emergency contact", "emergency contact name"]),
    "emergency_contact_phone": (
        gettext_lazy("Emergency contact phone"),
        ["emergency phone", "emergency contact phone"],
    ),
    "time_zone": (gettext_lazy("Time zone"), ["time zone", "timezone", "tz"]),
    "unit_system": (gettext_lazy("Units (metric or imperial)"), ["units", "unit system"]),
    "email_consent": (
        gettext_lazy("Email marketing consent (yes/no)"),
        ["email consent", "marketing email", "newsletter"],
    ),
    "sms_consent": (gettext_lazy("SMS marketing consent (yes/no)"), ["sms consent", "marketing sms", "text consent"]),
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TRUE = {"yes", "y", "true", "1", "x", "on", "opted in", "subscribed"}
_FALSE = {"no", "n", "false", "0", "", "off", "opted out", "unsubscribed"}
_SEX = {
    "f": "female",
    "female": "female",
    "woman": "female",
    "m": "male",
    "male": "male",
    "man": "male",
    "other": "other",
}


class ClientImportError(DomainError):
    pass


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ClientImportError(_("The file is not readable text."), field="file")


def _reader(text: str):
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text), dialect)


def _rows(client_import: ClientImport) -> list[list[str]]:
    with client_import.file.open("rb") as handle:
        text = _decode(handle.read())
    rows = list(_reader(text))
    return [row for row in rows[1:] if any(cell.strip() for cell in row)]


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    used = set()

    def norm(text: str) -> str:
        return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())

    for index, header in enumerate(headers):
        name = norm(header)
        for field, (_label, names) in IMPORT_FIELDS.items():
            if field not in used and (name == norm(field) or name in {norm(n) for n in names}):
                mapping[str(index)] = field
                used.add(field)
                break
    return mapping


@transaction.atomic
def upload_import(*, organization, file, actor=None) -> ClientImport:
    """Store the CSV and read its header row; nothing is imported yet."""
    if file is None:
        raise ClientImportError(_("Choose a CSV file."), field="file")
    if (getattr(file, "size", 0) or 0) > MAX_IMPORT_BYTES:
        raise ClientImportError(_("The file is larger than 10 MB; split it into smaller files."), field="file")
    data = file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise ClientImportError(_("The file is larger than 10 MB; split it into smaller files."), field="file")
    if b"\0" in data[:2048]:
        raise ClientImportError(_("This is not a CSV file (save the spreadsheet as CSV first)."), field="file")
    text = _decode(data)
    try:
        rows = list(_reader(text))
    except csv.Error as exc:
        raise ClientImportError(_("The CSV could not be read: %(error)s") % {"error": exc}, field="file") from exc
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ClientImportError(_("The file is empty; the first row must name the columns."), field="file")
    body = [row for row in rows[1:] if any(cell.strip() for cell in row)]
    if not body:
        raise ClientImportError(_("The file has a header row but no clients."), field="file")
    if len(body) > MAX_IMPORT_ROWS:
        raise ClientImportError(_("At most %(n)d rows per file.") % {"n": MAX_IMPORT_ROWS}, field="file")
    headers = [cell.strip()[:80] for cell in rows[0]]
    name = (getattr(file, "name", "") or "clients.csv").rsplit("/", 1)[-1][:200]
    client_import = ClientImport(
        organization=organization,
        original_name=name,
        headers=headers,
        mapping=suggest_mapping(headers),
        total_rows=len(body),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    client_import.file.save("import.csv", ContentFile(data), save=False)
    client_import.save()
    return client_import


@transaction.atomic
def set_import_mapping(*, client_import: ClientImport, mapping: dict, allow_health: bool = True) -> ClientImport:
    """Column index → target field ("" ignores the column); each field at most once. Health
    details (date of birth, emergency contact) only when the member may see them
    (`allow_health`, the `clients.health` capability): an import must not be a way around it."""
    if client_import.status != ClientImport.Status.UPLOADED:
        raise ClientImportError(_("This import has already started."))
    cleaned, used = {}, {}
    for index, field in (mapping or {}).items():
        if not field:
            continue
        if not str(index).isdigit() or int(index) >= len(client_import.headers):
            raise ClientImportError(_("Unknown column."), field="mapping")
        if field not in IMPORT_FIELDS:
            raise ClientImportError(_("“%(field)s” is not a client field.") % {"field": field}, field=f"column_{index}")
        if field in Client.HEALTH_FIELDS and not allow_health:
            raise ClientImportError(
                _("“%(field)s” is a health detail your role cannot import: choose “Do not import”.")
                % {"field": IMPORT_FIELDS[field][0]},
                field=f"column_{index}",
            )
        if field in used:
            raise ClientImportError(
                _("“%(field)s” is chosen for two columns.") % {"field": IMPORT_FIELDS[field][0]},
                field=f"column_{index}",
            )
        used[field] = index
        cleaned[str(index)] = field
    if not ({"first_name", "full_name"} & set(used)):
        raise ClientImportError(_("Choose the column with the first name (or the full name)."), field="mapping")
    client_import.mapping = cleaned
    client_import.save(update_fields=["mapping"])
    return client_import


class _Context:
    """What checking a row needs, loaded once per run (not once per row)."""

    def __init__(self, organization):
        self.organization = organization
        self.coaches = {u.email.lower(): u for u in User.objects.for_org(organization)}
        self.existing = set(Client.objects.for_org(organization).exclude(email="").values_list("email", flat=True))
        self.seen: dict[str, int] = {}


def _parse_date(text: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%Y/%m/%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("Use a date like 1990-04-23 or 23/04/1990."))


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(_("Use yes or no."))


def parse_row(cells: list[str], mapping: dict, ctx: _Context, row_number: int) -> tuple[dict, list[dict]]:
    """(fields for create_client, errors [{row, field, message}]) for one CSV row."""
    values = {field: (cells[int(index)].strip() if int(index) < len(cells) else "") for index, field in mapping.items()}
    fields: dict = {}
    errors: list[dict] = []

    def error(field: str, message: str) -> None:
        errors.append({"row": row_number, "field": str(IMPORT_FIELDS.get(field, (field,))[0]), "message": message})

    full = values.pop("full_name", "")
    if full:
        first, _sep, last = full.partition(" ")
        fields["first_name"], fields["last_name"] = first, last.strip()
    for key in ("first_name", "last_name", "phone", "goals", "emergency_contact_name", "emergency_contact_phone"):
        if values.get(key):
            fields[key] = values[key]
    limits = {
        "first_name": 80,
        "last_name": 80,
        "phone": 32,
        "emergency_contact_name": 120,
        "emergency_contact_phone": 32,
    }
    for key, limit in limits.items():
        if len(fields.get(key, "")) > limit:
            error(key, _("Keep this under %(n)d characters.") % {"n": limit})
    if not fields.get("first_name"):
        error("first_name", _("The first name is missing."))
    email = values.get("email", "").lower()
    if email:
        if not _EMAIL.match(email) or len(email) > 254:
            error("email", _("“%(email)s” is not a valid email address.") % {"email": email})
        elif email in ctx.existing:
            error("email", _("A client with the email %(email)s already exists.") % {"email": email})
        elif email in ctx.seen:
            error("email", _("%(email)s is also on row %(row)d.") % {"email": email, "row": ctx.seen[email]})
        else:
            fields["email"] = email
    status = values.get("status", "").lower()
    if status:
        by_label = {str(label).lower(): value for value, label in Client.Status.choices}
        if status in Client.Status.values:
            fields["status"] = status
        elif status in by_label:
            fields["status"] = by_label[status]
        else:
            error("status", _("Use lead, trial, active, paused or former."))
    else:
        fields["status"] = Client.Status.ACTIVE
    if values.get("tags"):
        fields["tags"] = [t.strip()[:40] for t in re.split(r"[;,|]", values["tags"]) if t.strip()][:20]
    if values.get("coach"):
        coach = ctx.coaches.get(values["coach"].lower())
        if coach is None:
            error("coach", _("%(email)s is not on your team.") % {"email": values["coach"]})
        else:
            fields["coach"] = coach
    if values.get("date_of_birth"):
        try:
            born = _parse_date(values["date_of_birth"])
            if not datetime.date(1900, 1, 1) <= born <= timezone.localdate():
                raise ValueError(_("The date of birth is not plausible."))
            fields["date_of_birth"] = born
        except ValueError as exc:
            error("date_of_birth", str(exc))
    if values.get("sex"):
        sex = _SEX.get(values["sex"].lower())
        if sex is None:
            error("sex", _("Use female, male or other."))
        else:
            fields["sex"] = sex
    if values.get("height_cm"):
        try:
            height = Decimal(values["height_cm"].lower().replace("cm", "").replace(",", ".").strip())
            if not Decimal(50) <= height <= Decimal(260):
                raise InvalidOperation
            fields["height_cm"] = height.quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            error("height_cm", _("Use a height in cm between 50 and 260."))
    if values.get("time_zone"):
        try:
            validate_time_zone(values["time_zone"])
            fields["time_zone"] = values["time_zone"]
        except Exception:
            error("time_zone", _("“%(tz)s” is not a known time zone.") % {"tz": values["time_zone"]})
    if values.get("unit_system"):
        units = values["unit_system"].lower()
        if units not in ("metric", "imperial"):
            error("unit_system", _("Use metric or imperial."))
        else:
            fields["unit_system"] = units
    for channel in ("email", "sms"):
        if f"{channel}_consent" in values:
            try:
                fields[f"{channel}_consent"] = _parse_bool(values[f"{channel}_consent"])
            except ValueError as exc:
                error(f"{channel}_consent", str(exc))
    if email and not errors:
        ctx.seen[email] = row_number
    return fields, errors


def preview_import(*, client_import: ClientImport, limit: int = 10) -> list[dict]:
    """The first rows as they would be imported: [{row, values, errors}] (nothing is stored)."""
    ctx = _Context(client_import.organization)
    preview = []
    for number, cells in enumerate(_rows(client_import)[:limit], start=2):
        fields, errors = parse_row(cells, client_import.mapping, ctx, number)
        preview.append({"row": number, "cells": cells, "fields": fields, "errors": errors})
    return preview


@transaction.atomic
def start_import(*, client_import: ClientImport, actor=None) -> ClientImport:
    from ..tasks import run_client_import

    client_import = ClientImport.objects.select_for_update().get(pk=client_import.pk)
    if client_import.status != ClientImport.Status.UPLOADED:
        raise ClientImportError(_("This import has already started."))
    if not client_import.mapping:
        raise ClientImportError(_("Map the columns first."), field="mapping")
    client_import.status = ClientImport.Status.QUEUED
    client_import.save(update_fields=["status"])
    transaction.on_commit(lambda: run_client_import.delay(client_import.pk))
    return client_import


def run_import(*, import_id: int) -> ClientImport:
    """Import every row not yet processed, CHUNK rows per transaction with their progress, so a
    retried task continues where the last one stopped and never adds a row twice."""
    client_import = ClientImport.objects.select_related("organization", "created_by").get(pk=import_id)
    if client_import.status in (ClientImport.Status.DONE, ClientImport.Status.FAILED):
        return client_import
    organization = client_import.organization
    try:
        rows = _rows(client_import)
    except Exception as exc:  # the stored file is unreadable: say so on the progress page
        ClientImport.objects.filter(pk=import_id).update(
            status=ClientImport.Status.FAILED, failure=str(exc)[:500], finished_at=timezone.now()
        )
        return ClientImport.objects.get(pk=import_id)
    ClientImport.objects.filter(pk=import_id).update(
        status=ClientImport.Status.RUNNING, started_at=client_import.started_at or timezone.now(), total_rows=len(rows)
    )
    ctx = _Context(organization)
    method = _("Imported from %(file)s (consent recorded before import)") % {"file": client_import.original_name}
    # Rows already processed by an earlier run still count as seen, for duplicate detection.
    for number, cells in enumerate(rows[: client_import.processed_rows], start=2):
        parse_row(cells, client_import.mapping, ctx, number)
    position = client_import.processed_rows
    try:
        _run_chunks(import_id, rows, position, ctx, organization, method)
    except Exception as exc:
        logger.exception("Client import %s stopped", import_id)
        ClientImport.objects.filter(pk=import_id).update(
            status=ClientImport.Status.FAILED,
            failure=_("Stopped after %(n)d rows: %(error)s") % {"n": position, "error": str(exc)[:300]},
            finished_at=timezone.now(),
        )
        raise
    ClientImport.objects.filter(pk=import_id).update(status=ClientImport.Status.DONE, finished_at=timezone.now())
    return ClientImport.objects.get(pk=import_id)


def _run_chunks(import_id, rows, position, ctx, organization, method) -> None:
    from .records import create_client

    while position < len(rows):
        chunk = rows[position : position + CHUNK]
        with transaction.atomic():
            locked = ClientImport.objects.select_for_update().get(pk=import_id)
            if locked.processed_rows != position:  # another worker moved on: follow it
                position = locked.processed_rows
                continue
            created, new_errors = 0, []
            for offset, cells in enumerate(chunk):
                number = position + offset + 2  # row 1 is the header
                fields, errors = parse_row(cells, locked.mapping, ctx, number)
                if not errors:
                    try:
                        with transaction.atomic():
                            client = create_client(
                                organization=organization,
                                actor=locked.created_by,
                                source=Client.Source.IMPORT,
                                consent_method=method,
                                **fields,
                            )
                        created += 1
                        if client.email:
                            ctx.existing.add(client.email)
                    except DomainError as exc:
                        label = IMPORT_FIELDS.get(exc.field or "", (exc.field or _("row"),))[0]
                        errors = [{"row": number, "field": str(label), "message": exc.message}]
                new_errors += errors
            stored = locked.errors + new_errors
            locked.errors = stored[:MAX_STORED_ERRORS]
            locked.error_count += len({e["row"] for e in new_errors})
            locked.created_count += created
            locked.processed_rows = position + len(chunk)
            locked.save(update_fields=["errors", "error_count", "created_count", "processed_rows"])
        position += len(chunk)
