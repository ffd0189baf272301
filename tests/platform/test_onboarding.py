"""The setup checklist: each step ticks itself from the business's real state; the owner
puts it away and brings it back, on the dashboard and through the API."""

import pytest
from django.urls import reverse

from mecto.onboarding import checklist
from tests.factories import ClientFactory, InvitationFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def _done(org, but=("team",)) -> set[str]:
    """The steps done (the factories below add team members: the team step is checked apart)."""
    return {step["key"] for step in checklist(organization=org)["steps"] if step["done"]} - set(but)


def test_each_step_ticks_itself_as_the_business_sets_up(org, owner):
    from billing.models import BillingSettings
    from branding import services as branding
    from clients.models import IntakeForm, IntakeRequest
    from tests.booking.factories import AvailabilityRuleFactory, ServiceTypeFactory
    from tests.training.factories import ProgramFactory

    assert _done(org) == set()
    branding.save_brand(organization=org, actor=owner, display_name="Northside")  # as the brand page saves it
    assert _done(org) == {"brand"}
    ServiceTypeFactory(organization=org)
    assert "hours" not in _done(org)  # a service without hours is not bookable yet
    AvailabilityRuleFactory(organization=org)
    ClientFactory(organization=org, is_demo=True)
    assert _done(org) == {"brand", "hours"}  # demo clients do not count
    real = ClientFactory(organization=org)
    IntakeRequest.objects.create(
        organization=org,
        form=IntakeForm.objects.create(organization=org, name="Intake"),
        client=real,
        token_hash="x" * 64,
    )
    ProgramFactory(organization=org)
    BillingSettings.objects.update_or_create(organization=org, defaults={"invoice_footer": "Sort code 00-00-00"})
    assert _done(org) == {"brand", "hours", "clients", "intake", "program", "payments"}
    assert _done(org) | {"team"} == _done(org, but=())  # the factories' extra members count as a team
    alone = OrganizationFactory()
    assert "team" not in _done(alone, but=())
    InvitationFactory(organization=alone)
    assert "team" in _done(alone, but=())
    InvitationFactory(organization=org, invited_by=owner)
    state = checklist(organization=org)
    assert state["complete"] and state["percent"] == 100 and state["total"] == 7


def test_owner_dismisses_and_restores_the_checklist(client, owner_api, org, owner, coach):
    client.force_login(owner)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Set up your business" in page and "Add your brand" in page and 'href="/settings/brand/"' in page
    client.post(reverse("checklist_dismiss"))
    page = client.get(reverse("dashboard")).content.decode()
    assert "Set up your business" not in page and "Show the setup checklist" in page
    client.post(reverse("checklist_restore"))
    assert "Set up your business" in client.get(reverse("dashboard")).content.decode()
    # The API says the same and does the same.
    assert owner_api.get("/api/v1/onboarding/").data["dismissed"] is False
    assert owner_api.post("/api/v1/onboarding/dismiss/").data["dismissed"] is True
    assert owner_api.post("/api/v1/onboarding/restore/").data["dismissed"] is False
    # A coach neither sees it nor puts it away.
    client.force_login(coach)
    assert "Set up your business" not in client.get(reverse("dashboard")).content.decode()
    assert client.post(reverse("checklist_dismiss")).status_code == 403


def test_another_business_cannot_touch_the_checklist(client, org, owner):
    other = OrganizationFactory()
    stranger = MembershipFactory(organization=other, role="owner").user
    client.force_login(stranger)
    client.post(reverse("checklist_dismiss"))
    assert checklist(organization=org)["dismissed"] is False
    assert checklist(organization=other)["dismissed"] is True
