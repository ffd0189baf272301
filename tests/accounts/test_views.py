import pytest
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import Invitation, Membership
from tests.factories import PASSWORD, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_role(client):
    def login_as(role, org=None):
        membership = MembershipFactory(role=role, **({"organization": org} if org else {}))
        client.force_login(membership.user)
        return membership

    return login_as


@pytest.mark.parametrize(
    ("role", "team", "settings_page"),
    [("owner", 200, 200), ("coach", 403, 403), ("assistant", 403, 403)],
)
def test_roles_decide_which_pages_open(client, as_role, role, team, settings_page):
    as_role(role)
    assert client.get(reverse("accounts:team")).status_code == team
    assert client.get(reverse("accounts:org_settings")).status_code == settings_page
    assert client.get(reverse("dashboard")).status_code == 200


def test_navigation_only_shows_what_the_role_may_open(client, as_role):
    as_role("assistant")
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("clients:list") in html
    assert reverse("accounts:team") not in html and reverse("accounts:org_settings") not in html


def test_owner_invites_a_coach_from_the_team_page(client, as_role, django_capture_on_commit_callbacks):
    membership = as_role("owner")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:team"), {"email": "coach2@example.com", "role": "coach"})
    assert response.status_code == 302
    assert Invitation.objects.filter(organization=membership.organization, email="coach2@example.com").exists()
    assert mail.outbox[0].to == ["coach2@example.com"]


def test_team_page_shows_field_errors_and_creates_nothing(client, as_role):
    as_role("owner")
    response = client.post(reverse("accounts:team"), {"email": "not-an-email", "role": "king"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"email", "role"}
    assert not Invitation.objects.exists()


def test_accepting_an_invitation_in_the_browser_logs_in_to_the_business(client):
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    _, token = services.invite_member(organization=org, email="newbie@example.com", role="assistant", invited_by=owner)
    url = reverse("accounts:accept_invitation", args=[token])
    assert client.get(url).status_code == 200
    response = client.post(url, {"full_name": "New Bie", "password1": "short", "password2": "short"})
    assert response.status_code == 400 and response.context["form"].errors
    response = client.post(
        url,
        {"full_name": "New Bie", "password1": "a-long-unusual-passphrase", "password2": "a-long-unusual-passphrase"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    assert Membership.objects.get(user__email="newbie@example.com").role == "assistant"
    assert client.get(url).status_code == 404  # single use


def test_an_existing_user_logs_in_from_the_invitation_and_comes_back_to_it(client):
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    existing = MembershipFactory(role="coach").user  # a coach of another business
    _, token = services.invite_member(organization=org, email=existing.email, role="coach", invited_by=owner)
    url = reverse("accounts:accept_invitation", args=[token])
    login_link = f'href="{reverse("account_login")}?next={url}"'
    assert login_link in client.get(url).content.decode()
    response = client.post(
        f"{reverse('account_login')}?next={url}", {"login": existing.email, "password": PASSWORD, "next": url}
    )
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert f"You are logged in as {existing.email}" in page
    assert client.post(url).status_code == 302
    assert Membership.objects.filter(user=existing, organization=org, role="coach").exists()


def test_unknown_invitation_token_is_a_clear_404(client):
    response = client.get(reverse("accounts:accept_invitation", args=["nope"]))
    assert response.status_code == 404
    assert b"cannot be used" in response.content


def test_person_without_a_business_is_asked_to_create_one(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response["Location"] == reverse("accounts:create_organization")
    response = client.post(
        reverse("accounts:create_organization"),
        {"business_name": "Solo Coach", "time_zone": "UTC", "currency": "USD", "unit_system": "metric"},
    )
    assert response["Location"] == reverse("dashboard")
    assert Membership.objects.get(user=user).role == "owner"


def test_owner_changes_role_and_cannot_demote_the_last_owner(client, as_role):
    owner = as_role("owner")
    coach = MembershipFactory(organization=owner.organization, role="coach")
    client.post(reverse("accounts:member_role", args=[coach.pk]), {"role": "assistant"})
    coach.refresh_from_db()
    assert coach.role == "assistant"
    client.post(reverse("accounts:member_role", args=[owner.pk]), {"role": "coach"})
    owner.refresh_from_db()
    assert owner.role == "owner"


def test_member_of_another_business_cannot_touch_this_team(client, as_role):
    as_role("owner")
    other = MembershipFactory(role="coach")
    assert client.post(reverse("accounts:member_role", args=[other.pk]), {"role": "owner"}).status_code == 404


def test_switching_business_for_members_of_several(client):
    user = UserFactory()
    a = MembershipFactory(user=user, role="owner")
    b = MembershipFactory(user=user, role="coach")
    client.force_login(user)
    assert a.organization.name in client.get(reverse("dashboard")).content.decode()
    client.post(reverse("accounts:switch_organization"), {"organization": b.organization_id})
    html = client.get(reverse("dashboard")).content.decode()
    assert b.organization.name in html
    other = OrganizationFactory()
    assert client.post(reverse("accounts:switch_organization"), {"organization": other.pk}).status_code == 404


def test_org_settings_validate_and_save(client, as_role):
    owner = as_role("owner")
    response = client.post(
        reverse("accounts:org_settings"),
        {"name": "Renamed", "time_zone": "Nowhere/City", "currency": "EUR", "unit_system": "metric"},
    )
    assert response.status_code == 400 and "time_zone" in response.context["form"].errors
    response = client.post(
        reverse("accounts:org_settings"),
        {"name": "Renamed", "time_zone": "Asia/Tokyo", "currency": "JPY", "unit_system": "metric", "language": "de"},
    )
    assert response.status_code == 302
    owner.organization.refresh_from_db()
    assert owner.organization.name == "Renamed" and owner.organization.currency == "JPY"
    assert owner.organization.language == "de"
