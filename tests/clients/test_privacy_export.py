"""A client's data export: every section with their rows (and nobody else's), JSON + CSV +
the files, a signed link that expires, and the beat task that deletes expired archives."""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from freezegun import freeze_time

from clients.models import DataExport
from clients.services import (
    PrivacyError,
    build_export,
    expire_exports,
    export_download_url_token,
    export_from_token,
    request_export,
)
from mecto.models import Event
from tests.clients.privacy_data import SECTIONS, client_with_everything

pytestmark = pytest.mark.django_db


def _built(client, actor=None, **kwargs):
    export = request_export(client=client, actor=actor, **kwargs)
    return build_export(export_id=export.pk)


def _archive(export):
    with default_storage.open(export.file.name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def test_export_holds_every_section_with_only_this_clients_rows(org, owner):
    client = client_with_everything(org)
    neighbour = client_with_everything(org, first_name="Bartholomew", last_name="Nettlebed", phone="+447700900456")

    export = _built(client, actor=owner)

    assert export.status == DataExport.Status.READY and export.progress == 100
    assert export.expires_at == export.finished_at + timedelta(days=7)
    archive = _archive(export)
    data = json.loads(archive.read("data.json"))
    sections = data["sections"]
    assert set(sections) >= SECTIONS
    for name in SECTIONS:
        assert sections[name], f"{name} is empty"
        for row in sections[name]:
            assert row.get("client_id", client.pk) == client.pk, name
    profile = sections["profile"][0]
    assert profile["email"] == client.email
    assert profile["emergency_contact_name"] == "Ariadne Senior"  # health fields: the client gets everything
    assert sections["consents"][0]["address"] == client.email
    text = archive.read("data.json").decode()
    assert "Bartholomew" not in text and neighbour.email not in text
    # One CSV per section, readable, with the same rows.
    for name in SECTIONS:
        rows = list(csv.DictReader(io.StringIO(archive.read(f"csv/{name}.csv").decode())))
        assert len(rows) == len(sections[name]), name
    # The files: the progress photo, the message attachment, the food photo.
    names = archive.namelist()
    assert any(n.startswith("files/progress_photos/") and n.endswith(".jpg") for n in names)
    assert any(n.startswith("files/message_attachments/") for n in names)
    assert any(n.startswith("files/food_photos/") for n in names)
    assert any(n.startswith("files/form_check_videos/") and n.endswith(".mp4") for n in names)
    attachment = next(n for n in names if n.startswith("files/message_attachments/"))
    assert archive.read(attachment) == b"%PDF-1.4 plan"


def test_export_emits_events_without_personal_data(org, owner):
    client = client_with_everything(org)
    _built(client, actor=owner)
    requested = Event.objects.get(organization=org, name="client.export_requested")
    ready = Event.objects.get(organization=org, name="client.export_ready")
    for event in (requested, ready):
        assert client.email not in json.dumps(event.payload) and client.first_name not in json.dumps(event.payload)
        assert event.payload["client_id"] == client.pk


def test_a_second_export_while_one_is_building_is_refused(org):
    client = client_with_everything(org)
    request_export(client=client, by_client=True)
    with pytest.raises(PrivacyError):
        request_export(client=client, by_client=True)


def test_the_request_queues_the_worker_after_commit(org, django_capture_on_commit_callbacks):
    client = client_with_everything(org)
    with django_capture_on_commit_callbacks(execute=True):
        export = request_export(client=client, by_client=True)
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY and export.file


def test_signed_link_works_for_seven_days_then_is_refused(org):
    client = client_with_everything(org)
    with freeze_time("2026-03-01 10:00"):
        export = _built(client)
        token = export_download_url_token(export)
        assert export_from_token(token) == export
    with freeze_time("2026-03-07 09:00"):
        assert export_from_token(token) == export
    with freeze_time("2026-03-08 10:01"), pytest.raises(PrivacyError, match="expired"):
        export_from_token(token)
    with pytest.raises(PrivacyError, match="not valid"):
        export_from_token(token[:-2] + "xx")


def test_expiry_task_deletes_the_archive(org, django_capture_on_commit_callbacks):
    client = client_with_everything(org)
    export = _built(client)
    name = export.file.name
    assert default_storage.exists(name)
    later = freeze_time(timezone.now() + timedelta(days=7, minutes=1))
    with later, django_capture_on_commit_callbacks(execute=True):
        assert expire_exports() == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED and not export.file
    assert not default_storage.exists(name)
