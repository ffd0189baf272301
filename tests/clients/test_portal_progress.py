"""The client's progress page in the portal: log in their units, charts, own photos."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clients import services
from clients.models import ProgressEntry, ProgressPhoto
from mecto.models import Event
from tests.clients.factories import ProgressPhotoFactory, jpeg_bytes
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def metrics(org):
    services.ensure_builtin_metrics(organization=org)


def test_empty_page_says_what_to_do(client, client_record, metrics):
    client.force_login(client_record.user)
    page = client.get(reverse("clients:portal_progress")).content.decode()
    assert "Nothing logged yet. Log your weight" in page and "No photos yet." in page
    assert 'for="id_m_weight"' in page and "Weight (kg)" in page


def test_client_logs_in_their_units_and_sees_a_chart(client, client_record, metrics):
    client_record.unit_system = "imperial"
    client_record.save(update_fields=["unit_system"])
    client.force_login(client_record.user)
    response = client.post(
        reverse("clients:portal_progress"),
        {"recorded_on": "2026-03-01", "m_weight": "180", "m_waist": "32", "m_mood": "7", "note": "Morning"},
    )
    assert response.status_code == 302
    weight = ProgressEntry.objects.get(client=client_record, metric__key="weight")
    assert abs(weight.value - Decimal("81.647")) < Decimal("0.01") and weight.source == "client"
    assert Event.objects.filter(name="progress.logged", client_id=client_record.pk).count() == 1
    page = client.get(reverse("clients:portal_progress")).content.decode()
    assert 'id="chart-weight"' in page and "progress-charts.js" in page and "180" in page and "lb" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"m_weight": "heavy"}, "Enter a number."),
        ({"m_weight": "2000"}, "Enter a value from"),
        ({"m_mood": "12"}, "Select a valid choice"),
        ({}, "Enter at least one value."),
        ({"m_weight": "80", "recorded_on": "2999-01-01"}, "cannot be in the future"),
    ],
)
def test_bad_values_are_shown_inline_and_store_nothing(client, client_record, metrics, data, message):
    client.force_login(client_record.user)
    response = client.post(reverse("clients:portal_progress"), {"recorded_on": "2026-03-01", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProgressEntry.objects.filter(client=client_record).exists()


def test_client_uploads_a_photo_and_sees_only_their_own(client, org, client_record, metrics):
    other = ClientFactory(organization=org, user=UserFactory())
    theirs = ProgressPhotoFactory(organization=org, client=other)
    client.force_login(client_record.user)
    upload = SimpleUploadedFile("me.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = client.post(
        reverse("clients:portal_photo_upload"), {"image": upload, "taken_on": "2026-03-01", "pose": "side"}
    )
    assert response.status_code == 302
    mine = ProgressPhoto.objects.get(client=client_record)
    assert mine.pose == "side" and mine.source == "client" and mine.taken_on == datetime.date(2026, 3, 1)
    page = client.get(reverse("clients:portal_progress")).content.decode()
    assert reverse("clients:photo_file", args=[mine.public_id, "thumb"]) in page
    assert str(theirs.public_id) not in page
    assert client.get(reverse("clients:photo_file", args=[mine.public_id, "thumb"])).status_code == 200
    assert client.get(reverse("clients:photo_file", args=[theirs.public_id, "thumb"])).status_code == 404


def test_a_file_that_is_not_an_image_is_refused_inline(client, client_record, metrics):
    client.force_login(client_record.user)
    upload = SimpleUploadedFile("me.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = client.post(
        reverse("clients:portal_photo_upload"), {"image": upload, "taken_on": "2026-03-01", "pose": "front"}
    )
    assert response.status_code == 400
    assert 'id="photo_image_error"' in response.content.decode()
    assert not ProgressPhoto.objects.filter(client=client_record).exists()


def test_another_clients_entries_do_not_show(client, org, client_record, metrics):
    other = ClientFactory(organization=org, user=UserFactory())
    services.log_progress(client=other, values={"weight": "123.4"}, recorded_on="2026-03-01")
    client.force_login(client_record.user)
    page = client.get(reverse("clients:portal_progress")).content.decode()
    assert "123.4" not in page and 'id="chart-weight"' not in page


def test_progress_pages_are_for_clients_only(client, coach):
    for url in (reverse("clients:portal_progress"), reverse("clients:portal_photo_upload")):
        client.logout()
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and reverse("account_login") in anonymous["Location"]
        client.force_login(coach)
        assert client.get(url).status_code in (404, 405)
        assert client.post(url, {}).status_code == 404


def test_progress_page_query_count_does_not_grow(client, org, client_record, metrics, django_assert_max_num_queries):
    client.force_login(client_record.user)
    client.get(reverse("clients:portal_progress"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("clients:portal_progress"))
    for day in range(1, 21):
        services.log_progress(
            client=client_record, values={"weight": "80", "waist": "80"}, recorded_on=f"2026-03-{day:02d}"
        )
        ProgressPhotoFactory(organization=org, client=client_record)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("clients:portal_progress"))


def test_client_deletes_only_entries_they_logged_themselves(client, org, client_record, metrics):
    services.log_progress(client=client_record, values={"weight": "80.5"}, recorded_on="2026-03-01", source="client")
    services.log_progress(client=client_record, values={"weight": "79.9"}, recorded_on="2026-03-02", source="coach")
    other = ClientFactory(organization=org, user=UserFactory())
    services.log_progress(client=other, values={"weight": "90"}, recorded_on="2026-03-01", source="client")
    own, coachs = (ProgressEntry.objects.get(client=client_record, source=s) for s in ("client", "coach"))
    theirs = ProgressEntry.objects.get(client=other)
    client.force_login(client_record.user)
    page = client.get(reverse("clients:portal_progress")).content.decode()
    assert reverse("clients:portal_entry_delete", args=[own.pk]) in page
    assert reverse("clients:portal_entry_delete", args=[coachs.pk]) not in page
    for entry in (coachs, theirs):  # the coach's entry and another client's: not found, nothing deleted
        assert client.post(reverse("clients:portal_entry_delete", args=[entry.pk])).status_code == 404
    assert client.get(reverse("clients:portal_entry_delete", args=[own.pk])).status_code == 405
    response = client.post(reverse("clients:portal_entry_delete", args=[own.pk]))
    assert response.status_code == 302 and response["Location"].endswith("#entries")
    assert set(ProgressEntry.objects.values_list("pk", flat=True)) == {coachs.pk, theirs.pk}
