import pytest
from django.core import mail

from accounts.models import Invitation, Membership
from tests.conftest import api_as
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_me_for_a_coach(coach_api, coach, org):
    data = coach_api.get("/api/v1/me/").json()
    assert data["user"]["email"] == coach.email
    assert data["role"] == "coach" and data["organization"]["slug"] == org.slug
    assert "clients.manage" in data["capabilities"] and "org.manage" not in data["capabilities"]
    assert data["client"] is None


def test_me_for_a_client(client_record):
    data = api_as(client_record.user).get("/api/v1/me/").json()
    assert data["role"] == "client"
    assert data["client"]["public_id"] == str(client_record.public_id)
    assert data["capabilities"] == []


def test_me_for_a_person_without_a_business():
    data = api_as(UserFactory()).get("/api/v1/me/").json()
    assert data["role"] is None and data["organization"] is None


def test_me_update_validates_time_zone(coach_api):
    response = coach_api.patch("/api/v1/me/", {"time_zone": "Nope/Nope"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"} and "time_zone" in response.json()["errors"]
    response = coach_api.patch("/api/v1/me/", {"time_zone": "Europe/Paris", "full_name": "C. Coach"}, format="json")
    assert response.json()["user"]["time_zone"] == "Europe/Paris"


def test_anonymous_gets_401_or_403_in_the_standard_shape(client):
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"detail", "errors"}


def test_only_owners_change_organization_settings(owner_api, coach_api, org):
    assert coach_api.patch("/api/v1/organization/", {"name": "X"}, format="json").status_code == 403
    response = owner_api.patch("/api/v1/organization/", {"name": "New name", "currency": "EUR"}, format="json")
    assert response.status_code == 200 and response.json()["currency"] == "EUR"
    bad = owner_api.patch("/api/v1/organization/", {"currency": "ABC"}, format="json")
    assert bad.status_code == 400 and "currency" in bad.json()["errors"]


def test_invitations_api(owner_api, coach_api, org, django_capture_on_commit_callbacks):
    assert coach_api.get("/api/v1/invitations/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.post("/api/v1/invitations/", {"email": "x@example.com", "role": "coach"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert len(mail.outbox) == 1
    bad = owner_api.post("/api/v1/invitations/", {"email": "x", "role": "emperor"}, format="json")
    assert bad.status_code == 400 and {"email", "role"} <= set(bad.json()["errors"])
    pk = response.json()["id"]
    assert owner_api.delete(f"/api/v1/invitations/{pk}/").status_code == 204
    assert Invitation.objects.get(pk=pk).status == "revoked"


def test_members_api_roles(owner_api, owner, org):
    coach = MembershipFactory(organization=org, role="coach")
    response = owner_api.patch(f"/api/v1/members/{coach.pk}/", {"role": "assistant"}, format="json")
    assert response.status_code == 200
    coach.refresh_from_db()
    assert coach.role == "assistant"
    own = Membership.objects.get(user=owner, organization=org)
    response = owner_api.patch(f"/api/v1/members/{own.pk}/", {"role": "coach"}, format="json")
    assert response.status_code == 400 and "role" in response.json()["errors"]


def test_assistant_cannot_raise_their_own_role(org):
    assistant = MembershipFactory(organization=org, role="assistant")
    api = api_as(assistant.user)
    assert api.patch(f"/api/v1/members/{assistant.pk}/", {"role": "owner"}, format="json").status_code == 403
    assistant.refresh_from_db()
    assert assistant.role == "assistant"


def test_members_list_query_count_does_not_grow(owner_api, org, django_assert_max_num_queries):
    MembershipFactory.create_batch(10, organization=org)
    with django_assert_max_num_queries(8) as small:
        owner_api.get("/api/v1/members/?page_size=100")
    MembershipFactory.create_batch(90, organization=org)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = owner_api.get("/api/v1/members/?page_size=100")
    assert response.json()["count"] == 101
