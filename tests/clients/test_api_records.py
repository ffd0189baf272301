"""Coach API under /api/v1/clients/… and the client's /api/v1/me/profile/ and /me/intake/."""

import pytest
from django.core import mail

from clients import services
from clients.models import Client
from mecto.comms.models import Consent
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("n", [10, 100])
def test_client_list_api_query_count_does_not_grow(coach_api, org, n, django_assert_max_num_queries):
    coach = MembershipFactory(organization=org).user
    for client in ClientFactory.create_batch(n, organization=org, coach=coach):
        services.set_client_tags(client=client, tags=["online"])
    with django_assert_max_num_queries(8):
        response = coach_api.get("/api/v1/clients/", {"page_size": 100, "scope": "all"})
    assert response.status_code == 200 and response.data["count"] == n
    assert response.data["results"][0]["tags"] == ["online"]


def test_create_filter_and_change_status(coach_api, org):
    response = coach_api.post(
        "/api/v1/clients/",
        {"first_name": "Ivy", "email": "ivy@example.com", "tags": ["marathon"], "status": "lead"},
        format="json",
    )
    assert response.status_code == 201, response.data
    pk = response.data["id"]
    assert response.data["tags"] == ["marathon"]
    dup = coach_api.post("/api/v1/clients/", {"first_name": "Ivy", "email": "IVY@example.com"}, format="json")
    assert dup.status_code == 400 and "email" in dup.data["errors"]
    assert coach_api.get("/api/v1/clients/", {"status": "lead", "scope": "all"}).data["count"] == 1
    assert coach_api.get("/api/v1/clients/", {"q": "nobody"}).data["count"] == 0
    response = coach_api.post(f"/api/v1/clients/{pk}/status/", {"status": "active", "note": "Paid"}, format="json")
    assert response.status_code == 200 and response.data["status"] == "active"
    history = coach_api.get(f"/api/v1/clients/{pk}/status-history/").data["results"]
    assert [(h["from_status"], h["to_status"]) for h in history] == [("lead", "active"), ("", "lead")]
    timeline = coach_api.get(f"/api/v1/clients/{pk}/timeline/").data
    assert timeline[0]["name"] == "client.status_changed"
    bad = coach_api.post(f"/api/v1/clients/{pk}/status/", {"status": "gold"}, format="json")
    assert bad.status_code == 400 and "status" in bad.data["errors"]


def test_notes_consent_and_tags_api(coach_api, org):
    client = ClientFactory(organization=org)
    base = f"/api/v1/clients/{client.pk}"
    note = coach_api.post(f"{base}/notes/", {"body": "Likes kettlebells"}, format="json")
    assert note.status_code == 201
    assert coach_api.patch(f"{base}/notes/{note.data['id']}/", {"is_pinned": True}, format="json").data["is_pinned"]
    empty = coach_api.post(f"{base}/notes/", {"body": " "}, format="json")
    assert empty.status_code == 400
    consent = coach_api.post(
        f"{base}/consents/", {"channel": "email", "granted": True, "method": "Web form"}, format="json"
    )
    assert consent.status_code == 201
    client.refresh_from_db()
    assert client.email_consent
    tag = coach_api.post("/api/v1/clients/tags/", {"name": "VIP"}, format="json")
    assert tag.status_code == 201
    assert coach_api.post("/api/v1/clients/tags/", {"name": "vip"}, format="json").status_code == 400
    assert (
        coach_api.patch(f"/api/v1/clients/tags/{tag.data['id']}/", {"name": "V.I.P."}, format="json").status_code == 200
    )


def test_other_business_client_routes_are_404(coach_api):
    stranger = ClientFactory()
    assert coach_api.get(f"/api/v1/clients/{stranger.pk}/").status_code == 404
    # Rows under another business's client: a 404 as for the client itself, not an empty list.
    assert coach_api.get(f"/api/v1/clients/{stranger.pk}/notes/").status_code == 404
    assert coach_api.post(f"/api/v1/clients/{stranger.pk}/notes/", {"body": "x"}, format="json").status_code == 404


def test_intake_forms_api_and_intake_answers(coach_api, org):
    form = services.ensure_default_intake_form(organization=org)
    listing = coach_api.get("/api/v1/clients/intake-forms/").data["results"]
    assert listing[0]["is_default"] and listing[0]["public_url"].endswith(f"/intake/{form.public_token}/")
    section_id = listing[0]["sections"][0]["id"]
    created = coach_api.post(
        f"/api/v1/clients/intake-forms/{form.pk}/questions/",
        {"section": section_id, "label": "Favourite sport", "kind": "text"},
        format="json",
    )
    assert created.status_code == 201 and created.data["key"] == "favourite_sport"
    client = ClientFactory(organization=org)
    services.submit_intake(
        form=form,
        client=client,
        answers={
            "goal": "strength",
            "experience": "advanced",
            "days_per_week": 5,
            "session_minutes": "90",
            "favourite_sport": "Rowing",
            **{q.key: "no" for q in form.questions.filter(key__startswith="parq_")},
        },
    )
    answers = coach_api.get(f"/api/v1/clients/{client.pk}/intake-answers/").data
    assert answers["goal"] == "strength" and answers["days_per_week"] == 5 and answers["favourite_sport"] == "Rowing"
    subs = coach_api.get(f"/api/v1/clients/{client.pk}/intake-submissions/").data["results"]
    assert subs[0]["answers"]["session_minutes"] == "90"


def test_me_profile_reads_and_updates_only_my_record(client_record):
    api = api_as(client_record.user)
    data = api.get("/api/v1/me/profile/").data
    assert data["email"] == client_record.email
    response = api.patch(
        "/api/v1/me/profile/",
        {"phone": "+1 555 0100", "height_cm": "172.5", "status": "former", "sms_consent": True},
        format="json",
    )
    assert response.status_code == 200
    client_record.refresh_from_db()
    assert client_record.phone == "+1 555 0100" and client_record.status == "active"  # status is read-only
    assert client_record.sms_consent and Consent.objects.get(client_id=client_record.pk).method.endswith("app")
    assert api.patch("/api/v1/me/profile/", {"time_zone": "Nowhere/City"}, format="json").status_code == 400


def test_me_intake_submits_to_the_default_form(client_record):
    form = services.ensure_default_intake_form(organization=client_record.organization)
    api = api_as(client_record.user)
    got = api.get("/api/v1/me/intake/").data
    assert got["form"]["id"] == form.pk and got["answers"] == {}
    bad = api.post("/api/v1/me/intake/", {"answers": {"goal": "fly"}}, format="json")
    assert bad.status_code == 400 and "goal" in bad.data["errors"] and "experience" in bad.data["errors"]
    answers = {
        "goal": "endurance",
        "experience": "beginner",
        "days_per_week": 2,
        "session_minutes": "30",
        **{q.key: False for q in form.questions.filter(key__startswith="parq_")},
    }
    answers["parq_dizziness"] = True
    ok = api.post("/api/v1/me/intake/", {"answers": answers}, format="json")
    assert ok.status_code == 201 and ok.data["needs_medical_clearance"]
    assert Client.objects.get(pk=client_record.pk).needs_medical_clearance
    assert api.get("/api/v1/me/intake/").data["answers"]["goal"] == "endurance"


def test_coaches_cannot_use_me_client_routes(coach_api):
    assert coach_api.get("/api/v1/me/profile/").status_code == 403


def test_intake_form_builder_api(coach_api, org):
    created = coach_api.post("/api/v1/clients/intake-forms/", {"name": "Check-in", "is_public": False}, format="json")
    assert created.status_code == 201 and created.data["public_url"] is None
    form_id = created.data["id"]
    section = coach_api.post(
        f"/api/v1/clients/intake-forms/{form_id}/sections/",
        {"title": "Health", "is_health_screening": True},
        format="json",
    )
    assert section.status_code == 201
    question = coach_api.post(
        f"/api/v1/clients/intake-forms/{form_id}/questions/",
        {"section": section.data["id"], "label": "Any pain today?", "kind": "yes_no", "required": True},
        format="json",
    )
    assert question.status_code == 201 and question.data["key"] == "any_pain_today"
    choice = coach_api.post(
        f"/api/v1/clients/intake-forms/{form_id}/questions/",
        {"section": section.data["id"], "label": "Pick", "kind": "single_choice", "choices": []},
        format="json",
    )
    assert choice.status_code == 400 and "choices" in choice.data["errors"]
    renamed = coach_api.patch(
        f"/api/v1/clients/intake-forms/{form_id}/questions/{question.data['id']}/",
        {"label": "Any pain?", "key": "hacked"},
        format="json",
    )
    assert renamed.status_code == 200 and renamed.data["key"] == "any_pain_today"
    assert coach_api.post(f"/api/v1/clients/intake-forms/{form_id}/make-default/").status_code == 200
    assert coach_api.delete(f"/api/v1/clients/intake-forms/{form_id}/").status_code == 400  # the default stays


def test_client_invite_api(coach_api, org, django_capture_on_commit_callbacks):
    client = ClientFactory(organization=org)
    with django_capture_on_commit_callbacks(execute=True):
        response = coach_api.post(f"/api/v1/clients/{client.pk}/invite/")
    assert response.status_code == 201 and response.json()["role"] == "client"
    assert mail.outbox[0].to == [client.email]
