import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time

from accounts import services
from accounts.models import Invitation, Membership, User
from mecto.errors import DomainError
from mecto.models import Event
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_creates_business_with_owner_and_event():
    user, org = services.sign_up_business(
        email="Owner@Example.com",
        password="a-long-unusual-passphrase",
        business_name="Peak Coaching",
        time_zone="America/New_York",
        currency="USD",
        unit_system="imperial",
    )
    assert user.email == "owner@example.com"
    assert org.slug == "peak-coaching" and org.time_zone == "America/New_York" and org.unit_system == "imperial"
    assert Membership.objects.get(organization=org, user=user).role == "owner"
    assert Event.objects.filter(organization=org, name="organization.created").count() == 1


def test_business_slugs_stay_unique():
    a = services.create_organization(owner=UserFactory(), name="Peak Coaching")
    b = services.create_organization(owner=UserFactory(), name="Peak Coaching")
    assert a.slug != b.slug


def test_organization_rejects_unknown_time_zone_and_currency():
    with pytest.raises(ValidationError):
        services.create_organization(owner=UserFactory(), name="X", time_zone="Mars/Olympus")
    with pytest.raises(ValidationError):
        services.create_organization(owner=UserFactory(), name="X", currency="XXX")


def test_org_initializers_run_for_every_new_business():
    seen = []
    services.register_org_initializer(seen.append)
    try:
        org = services.create_organization(owner=UserFactory(), name="Seeded")
    finally:
        services._org_initializers.remove(seen.append)
    assert seen == [org]


def test_invitation_is_emailed_once_and_works_once(django_capture_on_commit_callbacks):
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invite_member(
            organization=org, email="New.Coach@example.com", role="coach", invited_by=owner
        )
    assert invitation.email == "new.coach@example.com"
    assert len(mail.outbox) == 1 and token in mail.outbox[0].body
    assert invitation.token_hash != token  # only a hash is stored

    user = services.accept_invitation(token=token, password="a-long-unusual-passphrase", full_name="New Coach")
    assert Membership.objects.get(organization=org, user=user).role == "coach"
    assert user.emailaddress_set.get().verified
    with pytest.raises(DomainError):
        services.accept_invitation(token=token, password="a-long-unusual-passphrase")


def test_expired_or_revoked_invitations_cannot_be_used():
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    with freeze_time("2026-01-01"):
        _, expired_token = services.invite_member(
            organization=org, email="a@example.com", role="coach", invited_by=owner
        )
    with pytest.raises(DomainError):
        services.accept_invitation(token=expired_token, password="a-long-unusual-passphrase")

    invitation, token = services.invite_member(organization=org, email="b@example.com", role="coach", invited_by=owner)
    services.revoke_invitation(invitation=invitation, actor=owner)
    with pytest.raises(DomainError):
        services.accept_invitation(token=token, password="a-long-unusual-passphrase")
    assert not User.objects.filter(email__in=["a@example.com", "b@example.com"]).exists()


def test_a_new_invitation_replaces_the_pending_one():
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    _, old = services.invite_member(organization=org, email="c@example.com", role="coach", invited_by=owner)
    _, new = services.invite_member(organization=org, email="c@example.com", role="assistant", invited_by=owner)
    assert services.invitation_for_token(old) is None
    assert services.invitation_for_token(new).role == "assistant"


def test_weak_password_is_refused_and_nothing_is_created():
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    _, token = services.invite_member(organization=org, email="d@example.com", role="coach", invited_by=owner)
    with pytest.raises(DomainError) as exc:
        services.accept_invitation(token=token, password="12345678")
    assert exc.value.field == "password1"
    assert not User.objects.filter(email="d@example.com").exists()
    assert services.invitation_for_token(token) is not None


def test_signed_in_user_must_own_the_invited_address():
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    _, token = services.invite_member(organization=org, email="e@example.com", role="coach", invited_by=owner)
    with pytest.raises(DomainError):
        services.accept_invitation(token=token, user=UserFactory(email="someone.else@example.com"))
    existing = UserFactory(email="e@example.com")
    services.accept_invitation(token=token, user=existing)
    assert Membership.objects.filter(organization=org, user=existing, role="coach").exists()


def test_inviting_an_existing_member_is_refused():
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    coach = MembershipFactory(organization=org, role="coach").user
    with pytest.raises(DomainError) as exc:
        services.invite_member(organization=org, email=coach.email, role="coach", invited_by=owner)
    assert exc.value.field == "email"


def test_roles_cannot_be_raised_by_the_person_they_limit():
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner")
    coach = MembershipFactory(organization=org, role="coach")
    with pytest.raises(DomainError):
        services.change_member_role(membership=coach, role="owner", actor=coach.user)
    services.change_member_role(membership=coach, role="assistant", actor=owner.user)
    coach.refresh_from_db()
    assert coach.role == "assistant"


def test_a_business_keeps_at_least_one_owner():
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner")
    other_owner = MembershipFactory(organization=org, role="owner")
    services.change_member_role(membership=other_owner, role="coach", actor=owner.user)
    with pytest.raises(DomainError):
        services.remove_member(membership=owner, actor=owner.user)


def test_removed_member_loses_access():
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner")
    coach = MembershipFactory(organization=org, role="coach")
    services.remove_member(membership=coach, actor=owner.user)
    coach.refresh_from_db()
    assert not coach.is_active
    assert not User.objects.for_org(org).filter(pk=coach.user_id).exists()


def test_invitation_status_follows_its_dates():
    inv = Invitation(expires_at=timezone.now() + Invitation.TTL)
    assert inv.status == "pending"
    inv.revoked_at = timezone.now()
    assert inv.status == "revoked"
