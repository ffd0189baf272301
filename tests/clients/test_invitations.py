"""Portal invitations: a coach invites a client, the link sets up their portal account once."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Membership
from clients import services
from clients.models import PortalInvitation
from mecto.errors import DomainError
from mecto.models import Event
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_client_invitation_links_the_portal_account(django_capture_on_commit_callbacks):
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    client = ClientFactory(organization=org, email="chloe@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        _, token = services.invite_client(client=client, invited_by=owner)
    assert "chloe" in mail.outbox[0].to[0]
    user = account_services.accept_invitation(token=token, password="a-long-unusual-passphrase", full_name="Chloe")
    client.refresh_from_db()
    assert client.user == user
    assert not Membership.objects.filter(user=user).exists()
    assert Event.objects.filter(name="client.portal_joined", client_id=client.pk).exists()


def test_client_without_email_cannot_be_invited():
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    with pytest.raises(DomainError):
        services.invite_client(client=ClientFactory(organization=org, email=""), invited_by=owner)


def test_a_new_portal_invitation_replaces_the_pending_one_and_works_once():
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    client = ClientFactory(organization=org, email="dana@example.com")
    _, old = services.invite_client(client=client, invited_by=owner)
    invitation, new = services.invite_client(client=client, invited_by=owner)
    assert account_services.invitation_for_token(old) is None
    assert account_services.invitation_for_token(new) == invitation
    assert list(client.invitations.pending()) == [invitation]
    account_services.accept_invitation(token=new, password="a-long-unusual-passphrase")
    with pytest.raises(DomainError):
        account_services.accept_invitation(token=new, password="a-long-unusual-passphrase")
    client.refresh_from_db()
    with pytest.raises(DomainError):
        services.invite_client(client=client, invited_by=owner)  # already has a portal account
    assert PortalInvitation.objects.get(pk=invitation.pk).status == "accepted"


def test_invited_client_lands_in_the_portal_and_sees_only_their_record(client):
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    me = ClientFactory(organization=org, email="chloe@example.com", first_name="Chloe")
    ClientFactory(organization=org, first_name="Other")
    _, token = services.invite_client(client=me, invited_by=owner)
    response = client.post(
        reverse("accounts:accept_invitation", args=[token]),
        {"full_name": "Chloe", "password1": "a-long-unusual-passphrase", "password2": "a-long-unusual-passphrase"},
    )
    assert response["Location"] == reverse("portal:home")
    assert b"Hi Chloe, here is your day" in client.get(reverse("portal:home")).content
    # Coach pages are not for clients.
    assert client.get(reverse("clients:list")).status_code == 404
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_accept_page_tells_a_client_what_the_account_is_for(client):
    org = OrganizationFactory(name="Peak Coaching")
    owner = MembershipFactory(organization=org, role="owner").user
    _, token = services.invite_client(client=ClientFactory(organization=org, email="eve@example.com"), invited_by=owner)
    html = client.get(reverse("accounts:accept_invitation", args=[token])).content.decode()
    assert "Join Peak Coaching" in html
    assert "Set a password for eve@example.com to see your programs, progress and messages." in html
