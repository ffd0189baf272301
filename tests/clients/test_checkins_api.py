"""Check-in and waiver API: coach forms, schedules, the review queue and reply; the client's
own check-ins (multipart submit with a photo, idempotent) and signing."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from clients import services
from clients.models import CheckIn, Message, Metric, ProgressEntry, ProgressPhoto, WaiverSignature
from tests.clients.factories import jpeg_bytes
from tests.conftest import api_as
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(org):
    user = UserFactory()
    return ClientFactory(organization=org, user=user, email=user.email, time_zone="Europe/Berlin")


@freeze_time("2026-03-20 12:00:00")
def test_coach_builds_a_form_and_schedules_it(owner_api, org, me):
    services.ensure_builtin_metrics(organization=org)
    weight = Metric.objects.get(organization=org, key="weight")
    response = owner_api.post("/api/v1/clients/checkin-forms/", {"name": "Weekly", "grace_hours": 24}, format="json")
    assert response.status_code == 201, response.data
    form_id = response.data["id"]
    base = f"/api/v1/clients/checkin-forms/{form_id}/questions/"
    assert (
        owner_api.post(base, {"label": "Weight", "kind": "metric", "metric": weight.pk}, format="json").status_code
        == 201
    )
    bad = owner_api.post(base, {"label": "Weight", "kind": "metric"}, format="json")
    assert bad.status_code == 400 and "metric" in bad.data["errors"]
    assert owner_api.post(base, {"label": "Front", "kind": "photo", "pose": "front"}, format="json").status_code == 201
    schedule = owner_api.post(
        f"/api/v1/clients/{me.pk}/checkin-schedules/",
        {"form": form_id, "frequency": "weekly", "weekday": 6, "local_time": "18:00", "starts_on": "2026-03-20"},
        format="json",
    )
    assert schedule.status_code == 201, schedule.data
    assert schedule.data["next_due_at"].startswith("2026-03-22T17:00")  # 18:00 in Berlin (CET)
    detail = owner_api.get(f"/api/v1/clients/checkin-forms/{form_id}/")
    assert [q["kind"] for q in detail.data["questions"]] == ["metric", "photo"]


def _due_checkin(org, client):
    services.ensure_builtin_metrics(organization=org)
    form = services.create_checkin_form(organization=org, name="Weekly")
    weight = Metric.objects.get(organization=org, key="weight")
    services.add_checkin_question(form=form, label="Energy", kind="scale", required=True)
    services.add_checkin_question(form=form, label="Weight", kind="metric", metric=weight)
    services.add_checkin_question(form=form, label="Front", kind="photo", pose="front")
    with freeze_time("2026-03-20 12:00:00"):
        services.save_checkin_schedule(client=client, form=form, weekday=6, local_time="18:00", starts_on="2026-03-20")
    services.open_due_checkins(now=datetime.datetime(2026, 3, 22, 18, 0, tzinfo=datetime.UTC))
    return CheckIn.objects.get(client=client)


def test_client_submits_multipart_with_a_photo_once(org, me, owner_api):
    checkin = _due_checkin(org, me)
    api = api_as(me.user)
    listed = api.get("/api/v1/me/checkins/?open=1")
    assert listed.status_code == 200
    rows = listed.data["results"] if isinstance(listed.data, dict) else listed.data
    assert [r["public_id"] for r in rows] == [str(checkin.public_id)]
    url = f"/api/v1/me/checkins/{checkin.public_id}/submit/"
    bad = api.post(url, {"answers": json.dumps({"energy": 42})}, format="multipart")
    assert bad.status_code == 400 and "energy" in bad.data["errors"]

    def send():
        return api.post(
            url,
            {
                "submission_id": "app-123",
                "answers": json.dumps({"energy": 8, "weight": "72.5"}),
                "photo_front": SimpleUploadedFile("f.jpg", jpeg_bytes(), content_type="image/jpeg"),
            },
            format="multipart",
        )

    first = send()
    assert first.status_code == 200, first.data
    assert first.data["state"] == "submitted" and len(first.data["photos"]) == 1
    assert send().status_code == 200  # the app retried: still one submission
    assert ProgressPhoto.objects.filter(client=me).count() == 1
    assert ProgressEntry.objects.get(client=me, metric__key="weight").value == 72.5
    queue = owner_api.get("/api/v1/clients/checkins/")
    results = queue.data["results"] if isinstance(queue.data, dict) else queue.data
    assert [r["id"] for r in results] == [checkin.pk]
    reviewed = owner_api.post(
        f"/api/v1/clients/checkins/{checkin.pk}/review/", {"reply": "Strong week!"}, format="json"
    )
    assert reviewed.status_code == 200 and reviewed.data["status"] == "reviewed"
    assert Message.objects.get(client=me).body == "Strong week!"
    again = owner_api.post(f"/api/v1/clients/checkins/{checkin.pk}/review/", {}, format="json")
    assert again.status_code == 400


def test_other_clients_cannot_submit_my_checkin(org, me):
    checkin = _due_checkin(org, me)
    other = ClientFactory(organization=org, user=UserFactory())
    response = api_as(other.user).post(f"/api/v1/me/checkins/{checkin.public_id}/submit/", {}, format="json")
    assert response.status_code == 404


def test_client_lists_and_signs_waivers(org, me, owner_api):
    document = services.create_waiver_document(organization=org, title="Waiver", body="At my own risk.")
    api = api_as(me.user)
    listed = api.get("/api/v1/me/waivers/")
    assert listed.status_code == 200 and [v["title"] for v in listed.data] == ["Waiver"]
    version_id = listed.data[0]["id"]
    refused = api.post(f"/api/v1/me/waivers/{version_id}/sign/", {"typed_name": "", "agreed": True}, format="json")
    assert refused.status_code == 400
    signed = api.post(
        f"/api/v1/me/waivers/{version_id}/sign/",
        {"typed_name": me.full_name, "agreed": True},
        format="json",
        HTTP_USER_AGENT="MectoApp/1.0",
    )
    assert signed.status_code == 201 and signed.data["version_number"] == 1
    assert WaiverSignature.objects.get(client=me).source == "app"
    assert api.get("/api/v1/me/waivers/").data == []
    signatures = owner_api.get(f"/api/v1/clients/waiver-signatures/?document={document.pk}")
    results = signatures.data["results"] if isinstance(signatures.data, dict) else signatures.data
    assert [s["client"] for s in results] == [me.pk]
    documents = owner_api.get("/api/v1/clients/waivers/")
    docs = documents.data["results"] if isinstance(documents.data, dict) else documents.data
    assert docs[0]["current_version"] == 1 and docs[0]["signature_count"] == 1


@pytest.mark.parametrize("path", ["/api/v1/clients/checkins/", "/api/v1/clients/waiver-signatures/"])
def test_coach_lists_do_not_grow_queries(owner_api, org, path, django_assert_max_num_queries):
    from tests.clients.factories import CheckInFactory, WaiverSignatureFactory

    make = CheckInFactory if "checkins" in path else WaiverSignatureFactory
    make.create_batch(10, organization=org)
    with django_assert_max_num_queries(20) as ten:
        assert owner_api.get(path + "?scope=all&page_size=100").status_code == 200
    make.create_batch(90, organization=org)
    with django_assert_max_num_queries(len(ten.captured_queries)):
        response = owner_api.get(path + "?scope=all&page_size=100")
    assert response.status_code == 200


def test_a_nul_character_in_answers_or_the_submission_id_is_refused_not_a_server_error(org, me):
    checkin = _due_checkin(org, me)
    url = f"/api/v1/me/checkins/{checkin.public_id}/submit/"
    api = api_as(me.user)
    for body in ({"answers": {"energy\x00": 8}}, {"answers": {"energy": 8}, "submission_id": "a\x00b"}):
        response = api.post(url, body, format="json")
        assert response.status_code == 400, response.content
    checkin.refresh_from_db()
    assert checkin.submitted_at is None
