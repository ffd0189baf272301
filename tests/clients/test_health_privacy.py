"""Health data from the phone in the client's data export and erasure."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from freezegun import freeze_time

from clients import services
from clients.models import HealthDay, HealthSample
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def _sync(client, device):
    services.record_health_samples(
        client=client,
        samples=[
            {"id": "a", "kind": "steps", "value": 1200, "start": "2026-03-09T10:00Z", "device": device},
            {"id": "b", "kind": "resting_hr", "value": 55, "start": "2026-03-09T06:00Z", "device": device},
        ],
    )


@freeze_time("2026-03-10T12:00:00Z")
def test_the_export_holds_the_clients_samples_and_days_only(org, owner):
    person, neighbour = ClientFactory(organization=org), ClientFactory(organization=org)
    _sync(person, "Lee's watch")
    _sync(neighbour, "Ola's watch")
    export = services.build_export(export_id=services.request_export(client=person, actor=owner).pk)
    with default_storage.open(export.file.name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    sections = json.loads(archive.read("data.json"))["sections"]
    samples, days = sections["health_samples"], sections["health_days"]
    assert {(s["kind"], s["external_id"], s["device"]) for s in samples} == {
        ("steps", "a", "Lee's watch"),
        ("resting_hr", "b", "Lee's watch"),
    }
    assert {(d["kind"], d["day"]) for d in days} == {("steps", "2026-03-09"), ("resting_hr", "2026-03-09")}
    assert "Ola" not in archive.read("data.json").decode()


@freeze_time("2026-03-10T12:00:00Z")
def test_erasure_removes_the_health_data_and_counts_it(org, owner):
    person, neighbour = ClientFactory(organization=org), ClientFactory(organization=org)
    _sync(person, "Lee's watch")
    _sync(neighbour, "Ola's watch")
    erasure = services.request_erasure(client=person, actor=owner, grace_days=0)
    audit = services.run_erasure(erasure=erasure, actor=owner)
    assert not HealthSample.objects.filter(device="Lee's watch").exists()
    assert HealthDay.objects.filter(client=neighbour).count() == 2
    assert audit.summary["clients.HealthSample"] == 2 and audit.summary["clients.HealthDay"] == 2
