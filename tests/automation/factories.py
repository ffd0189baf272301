"""Factories of the automation app (registered for the cross-tenant test)."""

import factory

from automation.models import AlertKind, CoachAlert, CoachAlertPreference
from mecto.models import Event
from tests.factories import MembershipFactory, register


@register
class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    name = "booking.created"
    payload = factory.LazyFunction(dict)


@register
class CoachAlertFactory(factory.django.DjangoModelFactory):
    """An unread alert to a coach of the business about a booking."""

    class Meta:
        model = CoachAlert

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    event = factory.SubFactory(EventFactory, organization=factory.SelfAttribute("..organization"))
    recipient = factory.LazyAttribute(lambda o: MembershipFactory(organization=o.organization, role="coach").user)
    kind = AlertKind.BOOKED
    client = factory.SubFactory("tests.factories.ClientFactory", organization=factory.SelfAttribute("..organization"))
    title = factory.Sequence(lambda n: f"Client {n} booked a session")
    detail = "Tue 2 Jun 2026, 10:00"
    path = "/calendar/"


@register
class CoachAlertPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachAlertPreference

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    user = factory.LazyAttribute(lambda o: MembershipFactory(organization=o.organization, role="coach").user)


# --- Automations --------------------------------------------------------------------------------------
from automation.models import Automation, AutomationRun, AutomationStep, RunStep  # noqa: E402


@register
class AutomationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Automation

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    name = factory.Sequence(lambda n: f"Automation {n}")
    trigger = "client.created"
    is_active = True


@register
class AutomationStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AutomationStep

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    automation = factory.SubFactory(AutomationFactory, organization=factory.SelfAttribute("..organization"))
    order = 10
    kind = "add_tag"
    config = factory.LazyFunction(lambda: {"tag": "vip"})


@register
class AutomationRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AutomationRun

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    automation = factory.SubFactory(AutomationFactory, organization=factory.SelfAttribute("..organization"))
    client = factory.SubFactory("tests.factories.ClientFactory", organization=factory.SelfAttribute("..organization"))
    trigger_key = factory.Sequence(lambda n: f"test:{n}")
    state = "completed"


@register
class RunStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RunStep

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    run = factory.SubFactory(AutomationRunFactory, organization=factory.SelfAttribute("..organization"))
    key = factory.Sequence(lambda n: f"note:{n}")
    detail = "Started"
