"""The data-rights pages, API and back office: who may ask for an export or an erasure, the
signed download link, another business's client (404), and list query counts."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from clients.models import Client, DataExport, ErasureAudit, ErasureRequest
from tests.clients.factories import DataExportFactory
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture
def portal_client(org):
    user = UserFactory()
    return ClientFactory(organization=org, user=user, email=user.email)


def _download(browser, url):
    response = browser.get(url)
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


# --- Portal ---------------------------------------------------------------------------------------
def test_client_exports_their_data_from_the_portal_and_downloads_it(
    client, portal_client, django_capture_on_commit_callbacks
):
    client.force_login(portal_client.user)
    page = client.get(reverse("clients:portal_data"))
    assert page.status_code == 200 and b"Ask for an export" in page.content

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("clients:portal_data"), {"action": "export"})

    export = DataExport.objects.get(client=portal_client)
    assert export.status == DataExport.Status.READY and export.by_client
    status = client.get(reverse("clients:portal_data_status"))
    assert b"Download the ZIP" in status.content and b"hx-trigger" not in status.content
    url = next(line for line in status.content.decode().split('"') if "/data-exports/" in line)
    archive = _download(client, url)
    assert "data.json" in archive.namelist()


def test_status_block_polls_every_two_seconds_while_building(client, portal_client):
    DataExportFactory(organization=portal_client.organization, client=portal_client, status="building", progress=40)
    client.force_login(portal_client.user)
    status = client.get(reverse("clients:portal_data_status"))
    assert b'hx-trigger="every 2s"' in status.content and b'value="40"' in status.content


def test_client_asks_for_erasure_with_the_confirm_word_and_cancels(client, portal_client):
    client.force_login(portal_client.user)
    client.post(reverse("clients:portal_data"), {"action": "erase", "confirm": "nope"})
    assert not ErasureRequest.objects.exists()

    client.post(reverse("clients:portal_data"), {"action": "erase", "confirm": "erase"})
    erasure = ErasureRequest.objects.get(client=portal_client)
    assert erasure.by_client and erasure.status == "pending"
    assert b"Cancel the erasure" in client.get(reverse("clients:portal_data")).content

    client.post(reverse("clients:portal_data"), {"action": "cancel"})
    erasure.refresh_from_db()
    assert erasure.status == "cancelled"


def test_client_may_confirm_erasure_with_their_password(client, org):
    user = UserFactory()
    record = ClientFactory(organization=org, user=user, email=user.email)
    client.force_login(user)
    client.post(reverse("clients:portal_data"), {"action": "erase", "password": "wrong"})
    assert not ErasureRequest.objects.exists()
    client.post(reverse("clients:portal_data"), {"action": "erase", "password": PASSWORD})
    assert ErasureRequest.objects.filter(client=record).exists()


def test_a_forged_download_link_is_a_404(client):
    assert client.get(reverse("clients:data_export_download", args=["abc:def"])).status_code == 404


# --- Coach pages ----------------------------------------------------------------------------------
def test_coach_exports_and_schedules_erasure_from_the_client_page(client, owner, portal_client):
    client.force_login(owner)
    page = client.get(reverse("clients:data", args=[portal_client.pk]))
    assert page.status_code == 200 and b"Erase client" in page.content
    client.post(reverse("clients:data", args=[portal_client.pk]), {"action": "export"})
    assert DataExport.objects.filter(client=portal_client, by_client=False).exists()

    client.post(reverse("clients:data", args=[portal_client.pk]), {"action": "erase", "confirm": "someone else"})
    assert not ErasureRequest.objects.exists()
    client.post(
        reverse("clients:data", args=[portal_client.pk]),
        {"action": "erase", "confirm": portal_client.full_name, "grace_days": "14"},
    )
    erasure = ErasureRequest.objects.get(client=portal_client)
    assert timedelta(days=13, hours=23) < erasure.grace_until - erasure.requested_at <= timedelta(days=14)
    # A second request while one is pending, or a grace period that is not a number, changes nothing.
    client.post(
        reverse("clients:data", args=[portal_client.pk]),
        {"action": "erase", "confirm": portal_client.full_name, "grace_days": "x"},
    )
    assert ErasureRequest.objects.filter(client=portal_client).count() == 1
    client.post(reverse("clients:data", args=[portal_client.pk]), {"action": "cancel"})
    erasure.refresh_from_db()
    assert erasure.status == "cancelled"


def test_coach_of_another_business_gets_404(client, portal_client):
    stranger = MembershipFactory(organization=OrganizationFactory(), role="owner").user
    client.force_login(stranger)
    assert client.get(reverse("clients:data", args=[portal_client.pk])).status_code == 404
    assert client.post(reverse("clients:data", args=[portal_client.pk]), {"action": "export"}).status_code == 404
    assert not DataExport.objects.exists()


# --- API ------------------------------------------------------------------------------------------
def test_client_api_export_create_list_retrieve(portal_client, django_capture_on_commit_callbacks):
    api = api_as(portal_client.user)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/me/data-exports/")
    assert created.status_code == 201, created.content
    public_id = created.json()["public_id"]
    detail = api.get(f"/api/v1/me/data-exports/{public_id}/").json()
    assert detail["status"] == "ready" and detail["progress"] == 100 and "/data-exports/" in detail["download_url"]
    assert api.post("/api/v1/me/data-exports/").status_code == 201  # the first one is done
    listed = api.get("/api/v1/me/data-exports/").json()
    assert len(listed["results"]) == 2


def test_a_client_cannot_see_another_clients_export(org, portal_client):
    other = ClientFactory(organization=org, user=UserFactory())
    export = DataExportFactory(organization=org, client=other)
    api = api_as(portal_client.user)
    assert api.get(f"/api/v1/me/data-exports/{export.public_id}/").status_code == 404
    assert api.get("/api/v1/me/data-exports/").json()["results"] == []


def test_client_api_erasure_request_confirm_retrieve_cancel(portal_client):
    api = api_as(portal_client.user)
    assert api.get("/api/v1/me/erasure-request/").status_code == 404
    refused = api.post("/api/v1/me/erasure-request/", {"confirm": "maybe"}, format="json")
    assert refused.status_code == 400 and "confirm" in refused.json()["errors"]
    created = api.post("/api/v1/me/erasure-request/", {"confirm": "ERASE"}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "pending"
    assert api.post("/api/v1/me/erasure-request/", {"confirm": "ERASE"}, format="json").status_code == 400
    assert api.get("/api/v1/me/erasure-request/").json()["public_id"] == created.json()["public_id"]
    assert api.delete("/api/v1/me/erasure-request/").json()["status"] == "cancelled"
    assert api.delete("/api/v1/me/erasure-request/").status_code == 404


def test_coach_api_under_the_client(owner, portal_client):
    api = api_as(owner)
    base = f"/api/v1/clients/{portal_client.pk}"
    assert api.post(f"{base}/data-exports/").status_code == 201
    assert len(api.get(f"{base}/data-exports/").json()["results"]) == 1
    bad = api.post(f"{base}/erasure-request/", {"confirm": "ERASE", "grace_days": 500}, format="json")
    assert bad.status_code == 400 and "grace_days" in bad.json()["errors"]
    created = api.post(f"{base}/erasure-request/", {"confirm": "ERASE", "grace_days": 7}, format="json")
    assert created.status_code == 201
    assert api.get(f"{base}/erasure-request/").status_code == 200
    assert api.delete(f"{base}/erasure-request/").json()["status"] == "cancelled"


def test_coach_api_of_another_business_gets_404(portal_client):
    stranger = api_as(MembershipFactory(organization=OrganizationFactory(), role="owner").user)
    base = f"/api/v1/clients/{portal_client.pk}"
    assert stranger.get(f"{base}/data-exports/").status_code == 404
    assert stranger.post(f"{base}/data-exports/").status_code == 404
    assert stranger.post(f"{base}/erasure-request/", {"confirm": "ERASE"}, format="json").status_code == 404
    assert not DataExport.objects.exists() and not ErasureRequest.objects.exists()


@pytest.mark.parametrize("rows", [10, 60])
def test_export_lists_do_not_grow_with_rows(org, owner, portal_client, rows, django_assert_max_num_queries):
    for _ in range(rows):
        DataExportFactory(organization=org, client=portal_client, status="expired")
    with django_assert_max_num_queries(12):
        assert api_as(owner).get(f"/api/v1/clients/{portal_client.pk}/data-exports/").status_code == 200
    with django_assert_max_num_queries(12):
        assert api_as(portal_client.user).get("/api/v1/me/data-exports/").status_code == 200


# --- Back office ----------------------------------------------------------------------------------
def test_admin_actions_build_now_and_run_due_erasure(rf, org, portal_client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    export = DataExportFactory(organization=org, client=portal_client)
    request = rf.post("/")
    request.user = staff
    request._messages = _Messages()
    site._registry[DataExport].build_now(request, DataExport.objects.filter(pk=export.pk))
    export.refresh_from_db()
    assert export.status == "ready"

    erasure = ErasureRequest.objects.create(
        organization=org, client=portal_client, grace_until=export.created_at, requested_by=staff
    )
    site._registry[ErasureRequest].run_now(request, ErasureRequest.objects.filter(pk=erasure.pk))
    assert not Client.objects.filter(pk=portal_client.pk).exists()
    assert ErasureAudit.objects.get(request=erasure).run_by == staff


class _Messages(list):
    def add(self, level, message, extra_tags=""):
        self.append(message)
