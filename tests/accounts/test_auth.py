"""Sign-up, email verification, password reset, login limits, MFA, sessions, headless tokens."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.usersessions.models import UserSession
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, Organization, User
from mecto.comms.models import OutboundMessage
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Nora Newcoach",
    "email": "nora@example.com",
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
    "business_name": "Nora Strength Lab",
    "time_zone": "Europe/Berlin",
    "currency": "EUR",
    "unit_system": "metric",
}


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_signup_creates_business_and_requires_email_verification(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    org = Organization.objects.get(name="Nora Strength Lab")
    assert Membership.objects.get(organization=org).user.email == "nora@example.com"
    # Not verified yet: logging in sends the verification again instead of letting them in.
    assert client.get(reverse("dashboard")).status_code == 302
    link = re.search(r"http://\S+/account/confirm-email/(\S+)/", mail.outbox[-1].body)
    assert link
    # Sign-in mail is in the message log like every other message.
    logged = OutboundMessage.objects.get(topic="account", to_address="nora@example.com")
    assert logged.organization is None and logged.status == "sent" and logged.subject == mail.outbox[-1].subject
    response = client.post(reverse("account_confirm_email", args=[link.group(1)]))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_signup_with_bad_input_creates_nothing(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "password2": "different", "time_zone": "Mars/Base"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"password2", "time_zone"}
    assert not User.objects.exists() and not Organization.objects.exists()


def test_password_reset_sends_a_working_link(client, django_capture_on_commit_callbacks):
    user = MembershipFactory().user
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    match = re.search(r"http://\S+(/account/password/reset/key/\S+/)", mail.outbox[0].body)
    assert match
    response = client.get(match.group(1), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else match.group(1)
    response = client.post(form_url, {"password1": "another-long-passphrase", "password2": "another-long-passphrase"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-passphrase")


def test_unknown_email_in_password_reset_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert response.status_code == 302


def test_login_is_rate_limited_after_repeated_failures(client):
    user = MembershipFactory().user
    for _ in range(5):
        assert login(client, user.email, "wrong-password").status_code == 200
    response = login(client, user.email, "wrong-password")
    assert "Too many failed login attempts" in str(response.context["form"].errors)
    # Even the right password is refused while the limit holds.
    response = login(client, user.email)
    assert response.status_code == 200 and "Too many failed login attempts" in str(response.context["form"].errors)
    assert client.get(reverse("dashboard")).status_code == 302


def test_mfa_totp_activation_and_login_with_code(client):
    user = MembershipFactory().user
    assert login(client, user.email).status_code == 302
    # Turning on MFA asks for the password again.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302 and reverse("account_reauthenticate") in response["Location"]
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    response = client.get(reverse("mfa_activate_totp"))
    secret = response.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_now(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()

    client.post(reverse("account_logout"))
    response = login(client, user.email)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("dashboard")).status_code == 302  # not in yet
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_recovery_code_logs_in_once(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = MembershipFactory().user
    TOTP.activate(user, generate_totp_secret())
    code = RecoveryCodes.activate(user).get_unused_codes()[0]
    login(client, user.email)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.post(reverse("account_logout"))
    login(client, user.email)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200  # used up


def test_logout_everywhere_ends_other_sessions(client, django_user_model):
    from django.test import Client

    user = MembershipFactory().user
    other_device = Client()
    login(other_device, user.email)
    login(client, user.email)
    assert UserSession.objects.filter(user=user).count() == 2
    response = client.post(reverse("usersessions_list"), {})
    assert response.status_code == 302
    assert other_device.get(reverse("dashboard")).status_code == 302  # signed out there
    assert client.get(reverse("dashboard")).status_code == 200  # still in here


def test_next_redirects_only_to_our_own_host(client):
    user = MembershipFactory().user
    response = client.post(
        reverse("account_login") + "?next=https://evil.example.net/steal",
        {"login": user.email, "password": PASSWORD, "next": "https://evil.example.net/steal"},
    )
    assert response.status_code == 302 and "evil.example.net" not in response["Location"]
    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD, "next": "/clients/"})
    assert response["Location"] == "/clients/"


def test_mobile_app_logs_in_with_a_session_token_and_calls_the_api(client):
    membership = MembershipFactory(role="coach")
    response = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": membership.user.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]
    from rest_framework.test import APIClient

    app = APIClient()
    me = app.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)
    assert me.status_code == 200
    assert me.json()["role"] == "coach" and me.json()["organization"]["id"] == membership.organization_id
    assert app.get("/api/v1/me/", HTTP_X_SESSION_TOKEN="not-a-token").status_code in (401, 403)
    # Logging out of the app ends the token.
    app.delete("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=token)
    assert app.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code in (401, 403)


def test_sign_in_emails_greet_the_person_and_carry_their_businesss_brand(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), SIGNUP)
    body, subject = mail.outbox[-1].body, mail.outbox[-1].subject
    assert body.startswith("Hello Nora Newcoach,") and body.rstrip().endswith("Nora Strength Lab")
    assert "Hello from" not in body and "example.com" not in body.split("http")[0]
    assert not subject.startswith("[")


def test_password_reset_for_a_coach_carries_the_businesss_brand(client, django_capture_on_commit_callbacks):
    membership = MembershipFactory(organization__name="Riverside Barbell")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": membership.user.email})
    assert "Riverside Barbell" in mail.outbox[-1].body and "Hello from" not in mail.outbox[-1].body
