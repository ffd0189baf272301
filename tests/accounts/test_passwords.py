"""Every path that sets a password runs all of Django's validators with the person's
attributes: a password like the email address or the name is refused everywhere."""

import re

import pytest
from django.contrib.auth.hashers import check_password
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import User
from clients import services as client_services
from mecto.errors import DomainError
from tests.factories import PASSWORD, ClientFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "marathon.runner@example.com"
NAME = "Katarina Oyelaran-Whitfield"
GOOD = "a-long-unusual-passphrase"
# Each long enough, not common, not numeric: only the similarity check refuses them.
LIKE_THE_PERSON = [EMAIL, "marathon.runner", "katarinaoyelaran"]
SIMILARITY = "too similar"


def _signup_page(client, password, **extra):
    data = {
        "full_name": NAME,
        "email": EMAIL,
        "password1": password,
        "password2": password,
        "business_name": "Long Run Coaching",
        "time_zone": "Europe/Berlin",
        "currency": "EUR",
        "unit_system": "metric",
        **extra,
    }
    return client.post(reverse("account_signup"), data)


@pytest.mark.parametrize("password", LIKE_THE_PERSON)
def test_the_signup_page_refuses_a_password_like_the_email_or_name(client, password):
    response = _signup_page(client, password)
    assert response.status_code == 200
    assert SIMILARITY in " ".join(response.context["form"].errors["password1"])
    assert not User.objects.exists()


def test_the_signup_page_shows_the_similarity_error_once(client):
    errors = _signup_page(client, EMAIL).context["form"].errors["password1"]
    assert len([e for e in errors if SIMILARITY in e]) == 1


def test_the_app_signup_refuses_a_password_like_the_email(client):
    for password in (EMAIL, "marathon.runner"):
        response = client.post(
            "/_allauth/app/v1/auth/signup", {"email": EMAIL, "password": password}, content_type="application/json"
        )
        assert response.status_code == 400, response.content
        errors = response.json()["errors"]
        assert [e["param"] for e in errors] == ["password"] and SIMILARITY in errors[0]["message"]
    assert not User.objects.exists()
    response = client.post(
        "/_allauth/app/v1/auth/signup", {"email": EMAIL, "password": GOOD}, content_type="application/json"
    )
    assert response.status_code == 401, response.content  # created; the email is to be verified
    assert User.objects.get(email=EMAIL).check_password(GOOD)


def test_the_browser_api_signup_refuses_a_password_like_the_email(client):
    response = client.post(
        "/_allauth/browser/v1/auth/signup", {"email": EMAIL, "password": EMAIL}, content_type="application/json"
    )
    assert response.status_code == 400 and not User.objects.exists()


@pytest.fixture
def member(client):
    user = UserFactory(email=EMAIL, full_name=NAME)
    MembershipFactory(user=user)
    return user


def test_changing_the_password_refuses_one_like_the_email(client, member):
    client.force_login(member)
    url = reverse("account_change_password")
    for password in LIKE_THE_PERSON:
        response = client.post(url, {"oldpassword": PASSWORD, "password1": password, "password2": password})
        assert response.status_code == 200 and SIMILARITY in str(response.context["form"].errors), password
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def _reset_link(client, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": EMAIL})
    return re.search(r"http://\S+(/account/password/reset/key/(\S+)/)", mail.outbox[-1].body)


def test_resetting_the_password_refuses_one_like_the_email(client, member, django_capture_on_commit_callbacks):
    link = _reset_link(client, django_capture_on_commit_callbacks)
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": EMAIL, "password2": EMAIL})
    assert response.status_code == 200 and SIMILARITY in str(response.context["form"].errors)
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_the_app_refuses_a_password_like_the_email_on_change_and_reset(
    client, member, django_capture_on_commit_callbacks
):
    response = client.post(
        "/_allauth/app/v1/auth/login", {"email": EMAIL, "password": PASSWORD}, content_type="application/json"
    )
    token = response.json()["meta"]["session_token"]
    response = client.post(
        "/_allauth/app/v1/account/password/change",
        {"current_password": PASSWORD, "new_password": EMAIL},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=token,
    )
    assert response.status_code == 400 and SIMILARITY in response.content.decode()
    key = _reset_link(client, django_capture_on_commit_callbacks).group(2)
    response = client.post(
        "/_allauth/app/v1/auth/password/reset", {"key": key, "password": EMAIL}, content_type="application/json"
    )
    assert response.status_code == 400 and SIMILARITY in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def _accept(client, token, password):
    url = reverse("accounts:accept_invitation", args=[token])
    return client.post(url, {"full_name": NAME, "password1": password, "password2": password})


def test_accepting_a_team_invitation_refuses_a_password_like_the_email_or_name(client):
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    _, token = services.invite_member(organization=org, email=EMAIL, role="coach", invited_by=owner)
    for password in LIKE_THE_PERSON:
        response = _accept(client, token, password)
        assert response.status_code == 400 and SIMILARITY in str(response.context["form"].errors), password
    assert not User.objects.filter(email=EMAIL).exists()
    assert _accept(client, token, GOOD).status_code == 302


def test_accepting_a_portal_invitation_refuses_a_password_like_the_email_or_name(client):
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    _, token = client_services.invite_client(client=ClientFactory(organization=org, email=EMAIL), invited_by=owner)
    for password in LIKE_THE_PERSON:
        response = _accept(client, token, password)
        assert response.status_code == 400 and SIMILARITY in str(response.context["form"].errors), password
    assert not User.objects.filter(email=EMAIL).exists()
    assert _accept(client, token, GOOD)["Location"] == reverse("portal:home")


@pytest.fixture
def staff(client):
    admin = User.objects.create_superuser(email="ops@example.com", password=PASSWORD)
    client.force_login(admin)
    return admin


def test_the_back_office_refuses_a_password_like_the_email_for_a_new_or_existing_user(client, staff, member):
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"email": "new.person@example.com", "full_name": "", "password1": "new.person", "password2": "new.person"},
    )
    assert response.status_code == 200 and SIMILARITY in str(response.context["adminform"].form.errors)
    assert not User.objects.filter(email="new.person@example.com").exists()
    url = reverse("admin:auth_user_password_change", args=[member.pk])
    response = client.post(url, {"password1": EMAIL, "password2": EMAIL})
    assert response.status_code == 200 and SIMILARITY in str(response.context["form"].errors)
    member.refresh_from_db()
    assert check_password(PASSWORD, member.password)


def test_the_signup_service_refuses_a_password_like_the_email():
    with pytest.raises(DomainError) as caught:
        services.sign_up_business(email=EMAIL, password=EMAIL, business_name="Long Run", full_name=NAME)
    assert caught.value.field == "password" and SIMILARITY in caught.value.message
    assert not User.objects.exists()
