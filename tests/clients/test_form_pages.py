"""Coach pages that post one form to one service: the form comes back with status 400 and
the service's error beside its field, or the page says what happened and redirects."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clients.models import Client, ClientImport, IntakeForm, Metric, Note
from tests.clients.factories import IntakeQuestionFactory, MetricFactory
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

CLIENT = {
    "first_name": "Bo",
    "last_name": "Ek",
    "email": "bo@example.com",
    "time_zone": "Europe/London",
    "unit_system": "metric",
    "status": "lead",
    "source": "manual",
}
METRIC = {"name": "Steps", "kind": "number", "quantity": "", "unit": "steps", "direction": "up"}


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach)
    return client


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_add_client_shows_the_service_error_beside_the_field_in_the_form(coach_client, org):
    ClientFactory(organization=org, email="taken@example.com")
    url = reverse("clients:create")
    assert coach_client.get(url).status_code == 200
    taken = coach_client.post(url, {**CLIENT, "email": "taken@example.com"})
    assert taken.status_code == 400 and "email" in taken.context["form"].errors
    # The service checks height_cm; the form asks for the height in the person's units.
    tall = coach_client.post(url, {**CLIENT, "height": "5000"})
    assert tall.status_code == 400 and "height" in tall.context["form"].errors
    added = coach_client.post(url, CLIENT)
    client = Client.objects.get(organization=org, email="bo@example.com")
    assert added.status_code == 302 and added["Location"] == reverse("clients:detail", args=[client.pk])
    assert flashed(added) == ["Bo Ek was added."]


def test_edit_client_is_for_the_business_s_own_clients(coach_client, org):
    client = ClientFactory(organization=org, first_name="Ann")
    ClientFactory(organization=org, email="taken@example.com")
    assert coach_client.get(reverse("clients:edit", args=[ClientFactory().pk])).status_code == 404
    url = reverse("clients:edit", args=[client.pk])
    page = coach_client.get(url)
    assert page.status_code == 200 and page.context["client"] == client
    taken = coach_client.post(url, {**CLIENT, "email": "taken@example.com"})
    assert taken.status_code == 400 and "email" in taken.context["form"].errors
    saved = coach_client.post(url, CLIENT)
    assert saved.status_code == 302 and saved["Location"] == reverse("clients:detail", args=[client.pk])
    assert flashed(saved) == ["Changes saved."]
    client.refresh_from_db()
    assert client.first_name == "Bo"


def test_notes_tab_adds_a_note(coach_client, org):
    client = ClientFactory(organization=org)
    assert coach_client.post(reverse("clients:notes", args=[ClientFactory().pk]), {"body": "x"}).status_code == 404
    url = reverse("clients:notes", args=[client.pk])
    page = coach_client.get(url)
    assert page.status_code == 200 and page.context["tab"] == "notes" and page.context["client"] == client
    blank = coach_client.post(url, {"body": ""})
    assert blank.status_code == 400 and "body" in blank.context["form"].errors
    saved = coach_client.post(url, {"body": "Knee feels better"})
    assert saved.status_code == 302 and saved["Location"] == url
    assert flashed(saved) == ["Note saved."]
    assert Note.objects.get(client=client).body == "Knee feels better"


def test_metrics_page_adds_a_metric_and_shows_a_bad_target_beside_its_field(coach_client, org):
    url = reverse("clients:metrics")
    assert coach_client.get(url).status_code == 200
    bad = coach_client.post(url, {**METRIC, "target_display": "lots"})
    assert bad.status_code == 400 and "target_display" in bad.context["form"].errors
    added = coach_client.post(url, {**METRIC, "target_display": "10000"})
    assert added.status_code == 302 and added["Location"] == url
    assert flashed(added) == ["Metric added: log it from any client's Progress tab."]
    assert Metric.objects.for_org(org).filter(name="Steps").exists()


def test_metric_edit_page_shows_the_saved_metric_when_the_service_refuses(coach_client, org):
    metric = MetricFactory(organization=org, name="Sleep")
    assert coach_client.get(reverse("clients:metric_edit", args=[MetricFactory().pk])).status_code == 404
    url = reverse("clients:metric_edit", args=[metric.pk])
    assert coach_client.get(url).context["metric"] == metric
    refused = coach_client.post(url, {**METRIC, "name": "Renamed", "target_display": "lots", "is_active": "on"})
    assert refused.status_code == 400 and "target_display" in refused.context["form"].errors
    assert refused.context["metric"].name == "Sleep"
    saved = coach_client.post(url, {**METRIC, "name": "Renamed", "target_display": "8", "is_active": "on"})
    assert saved.status_code == 302 and saved["Location"] == reverse("clients:metrics")
    assert flashed(saved) == ["Metric saved."]
    metric.refresh_from_db()
    assert metric.name == "Renamed"


def test_intake_forms_page_creates_a_form_and_opens_the_builder(coach_client, org):
    url = reverse("clients:intake_forms")
    assert coach_client.get(url).status_code == 200
    assert coach_client.post(url, {"name": ""}).status_code == 400
    created = coach_client.post(url, {"name": "Onboarding", "description": ""})
    form = IntakeForm.objects.for_org(org).get(name="Onboarding")
    assert created.status_code == 302 and created["Location"] == reverse("clients:intake_form_edit", args=[form.pk])


def test_question_edit_page_shows_the_service_error_and_the_saved_question(coach_client, org):
    question = IntakeQuestionFactory(organization=org, label="Old label")
    url = reverse("clients:intake_question_edit", args=[question.form.pk, question.pk])
    stranger = reverse("clients:intake_question_edit", args=[question.form.pk, IntakeQuestionFactory().pk])
    assert coach_client.get(stranger).status_code == 404
    page = coach_client.get(url)
    assert page.context["intake_form"] == question.form and page.context["question"] == question
    data = {"label": "New label", "kind": "number", "min_value": "5", "max_value": "2", "section": question.section.pk}
    refused = coach_client.post(url, data)
    assert refused.status_code == 400 and "max_value" in refused.context["form"].errors
    assert refused.context["question"].label == "Old label"
    saved = coach_client.post(url, {**data, "max_value": "9"})
    assert saved.status_code == 302
    assert saved["Location"] == reverse("clients:intake_form_edit", args=[question.form.pk])
    assert flashed(saved) == ["Question saved."]
    question.refresh_from_db()
    assert question.label == "New label"


def test_import_upload_shows_a_refused_file_beside_the_field(coach_client, org):
    url = reverse("clients:import")
    assert coach_client.get(url).status_code == 200
    empty = coach_client.post(url, {"file": SimpleUploadedFile("a.csv", b"first_name\n", content_type="text/csv")})
    assert empty.status_code == 400 and "file" in empty.context["form"].errors
    csv = SimpleUploadedFile("a.csv", b"first_name,email\nAnn,ann@example.com\n", content_type="text/csv")
    uploaded = coach_client.post(url, {"file": csv})
    client_import = ClientImport.objects.for_org(org).get()
    assert uploaded.status_code == 302
    assert uploaded["Location"] == reverse("clients:import_mapping", args=[client_import.pk])
