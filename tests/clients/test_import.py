"""CSV import: mapping, preview, per-row errors naming row and field, a big file as a task in chunks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clients import services
from clients.models import Client, ClientImport
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

CSV = """Name,E-mail,Status,Tags,Coach,DOB,Newsletter,Height
Ana Lima,ana@example.com,active,online;vip,{coach},1990-04-23,yes,168
Ben Ode,bad-email,lead,,,23/04/1985,no,
,noname@example.com,active,,,,,
Cara Diaz,taken@example.com,trial,,,,,
Dan Eze,dan@example.com,gold,,nobody@example.com,31/02/1990,maybe,900
Eve Fox,ana@example.com,active,,,,,
Finn Gray,finn@example.com,Paused,,,,,
"""


def _upload(org, coach, text=None):
    data = (text or CSV.format(coach=coach.email)).encode()
    return services.upload_import(organization=org, file=SimpleUploadedFile("clients.csv", data), actor=coach)


def test_columns_are_suggested_and_bad_rows_are_reported_by_row_and_field(
    org, coach, django_capture_on_commit_callbacks
):
    ClientFactory(organization=org, email="taken@example.com")
    client_import = _upload(org, coach)
    assert client_import.total_rows == 7
    assert client_import.mapping == {
        "0": "full_name",
        "1": "email",
        "2": "status",
        "3": "tags",
        "4": "coach",
        "5": "date_of_birth",
        "6": "email_consent",
        "7": "height_cm",
    }
    preview = services.preview_import(client_import=client_import)
    assert [bool(row["errors"]) for row in preview] == [False, True, True, True, True, True, False]
    with django_capture_on_commit_callbacks(execute=True):
        services.start_import(client_import=client_import, actor=coach)
    client_import.refresh_from_db()
    assert client_import.status == "done" and client_import.created_count == 2 and client_import.error_count == 5
    by_row = {}
    for e in client_import.errors:
        by_row.setdefault(e["row"], set()).add(e["field"])
    assert by_row[3] == {"Email"}
    assert by_row[4] == {"First name"}
    assert by_row[5] == {"Email"}  # already a client of the business
    assert by_row[6] == {
        "Status (lead, trial, active, paused, former)",
        "Coach (their email)",
        "Date of birth",
        "Email marketing consent (yes/no)",
        "Height (cm)",
    }
    assert by_row[7] == {"Email"}  # the same email as row 2
    ana = Client.objects.for_org(org).get(email="ana@example.com")
    assert ana.source == "import" and ana.coach == coach and ana.email_consent and float(ana.height_cm) == 168
    assert sorted(t.name for t in ana.tags.all()) == ["online", "vip"]
    assert Client.objects.for_org(org).get(email="finn@example.com").status == "paused"


def test_mapping_must_name_the_first_name_and_use_each_field_once(org, coach):
    client_import = _upload(org, coach)
    with pytest.raises(services.ClientImportError):
        services.set_import_mapping(client_import=client_import, mapping={"1": "email"})
    with pytest.raises(services.ClientImportError):
        services.set_import_mapping(client_import=client_import, mapping={"0": "full_name", "1": "email", "2": "email"})
    with pytest.raises(services.ClientImportError):
        services.set_import_mapping(client_import=client_import, mapping={"0": "full_name", "1": "password"})


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"name,email\n", "no clients"),
        (b"\x00\x01\x02PK\x03\x04binary", "not a CSV"),
    ],
)
def test_bad_files_are_refused_with_a_reason(org, coach, content, message):
    with pytest.raises(services.ClientImportError) as caught:
        services.upload_import(organization=org, file=SimpleUploadedFile("x.csv", content), actor=coach)
    assert message in caught.value.message and not ClientImport.objects.exists()


def test_a_retried_run_continues_without_duplicates(org, coach):
    rows = "\n".join(f"Person{i},p{i}@example.com" for i in range(450))
    client_import = _upload(org, coach, "First name,Email\n" + rows)
    ClientImport.objects.filter(pk=client_import.pk).update(status="running")
    services.run_import(import_id=client_import.pk)  # first run
    ClientImport.objects.filter(pk=client_import.pk).update(status="running", processed_rows=200)  # as if it died
    services.run_import(import_id=client_import.pk)
    client_import.refresh_from_db()
    assert Client.objects.for_org(org).count() == 450
    assert client_import.processed_rows == 450


def test_a_few_hundred_rows_import_through_the_pages_with_progress(
    client, coach, org, django_capture_on_commit_callbacks
):
    """Two chunks of work (CHUNK is 200 rows) through the pages; bench/client_import.py times
    the same path with 5,000 rows."""
    rows = "\n".join(f"Client{i},Number{i},client{i}@example.com,active" for i in range(249))
    text = "First name,Last name,Email,Status\n" + rows + "\nBroken,Row,not-an-email,active\n"
    client.force_login(coach)
    response = client.post(reverse("clients:import"), {"file": SimpleUploadedFile("big.csv", text.encode())})
    client_import = ClientImport.objects.get()
    assert response.url == reverse("clients:import_mapping", args=[client_import.pk])
    page = client.get(response.url).content.decode()
    assert "250 rows" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("clients:import_mapping", args=[client_import.pk]),
            {
                "column_0": "first_name",
                "column_1": "last_name",
                "column_2": "email",
                "column_3": "status",
                "action": "start",
            },
        )
    assert response.url == reverse("clients:import_progress", args=[client_import.pk])
    client_import.refresh_from_db()
    assert client_import.created_count == 249 and client_import.error_count == 1, client_import.failure
    assert client_import.errors == [
        {"row": 251, "field": "Email", "message": "“not-an-email” is not a valid email address."}
    ]
    status = client.get(
        reverse("clients:import_progress", args=[client_import.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="import-status",
    ).content.decode()
    assert "250 of 250 rows" in status and "Refused rows" in status and "every 1s" not in status


def test_progress_polls_while_running(client, coach, org):
    client_import = _upload(org, coach)
    ClientImport.objects.filter(pk=client_import.pk).update(status="running", processed_rows=3)
    client.force_login(coach)
    body = client.get(reverse("clients:import_progress", args=[client_import.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in body and "3 of 7 rows" in body
    # Large files read as people write numbers.
    ClientImport.objects.filter(pk=client_import.pk).update(total_rows=5000, processed_rows=1200)
    body = client.get(reverse("clients:import_progress", args=[client_import.pk])).content.decode()
    assert "1,200 of 5,000 rows" in body


def test_a_role_without_health_access_cannot_import_health_details(client, org):
    """An assistant (no `clients.health`) may import clients but not their date of birth or
    emergency contact: the columns are not offered, and a posted mapping is refused."""
    from tests.factories import MembershipFactory

    assistant = MembershipFactory(organization=org, role="assistant").user
    client.force_login(assistant)
    text = "First name,Email,DOB,Emergency contact\nAna,ana@example.com,1990-04-23,Rui\n"
    response = client.post(reverse("clients:import"), {"file": SimpleUploadedFile("c.csv", text.encode())})
    client_import = ClientImport.objects.get()
    page = client.get(response.url).content.decode()
    assert 'value="date_of_birth"' not in page and 'value="emergency_contact_name"' not in page
    refused = client.post(
        reverse("clients:import_mapping", args=[client_import.pk]),
        {"column_0": "first_name", "column_1": "email", "column_2": "date_of_birth", "action": "start"},
    )
    assert refused.status_code == 400 and "health detail" in refused.content.decode()
    client_import.refresh_from_db()
    assert client_import.status == ClientImport.Status.UPLOADED and not Client.objects.for_org(org).exists()
    with pytest.raises(services.ClientImportError):
        services.set_import_mapping(
            client_import=client_import, mapping={"0": "first_name", "3": "emergency_contact_name"}, allow_health=False
        )
