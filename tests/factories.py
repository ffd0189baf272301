"""Factories shared by every test, and a registry: model -> factory.

The cross-tenant test creates rows of any model through `factory_for(model)`, so every
OrgOwned model exposed by the API needs a factory registered here (apps add theirs in
their own `tests/<app>/factories.py`, imported below).
"""

import importlib
from pathlib import Path

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Invitation, Membership, Organization, User
from clients.models import Client
from marketing.models import Campaign, CampaignRecipient

_registry: dict = {}


def register(factory_class):
    _registry[factory_class._meta.model] = factory_class
    return factory_class


def factory_for(model):
    """The registered factory of `model`; each app's tests/<app>/factories.py registers its own."""
    for path in sorted(Path(__file__).parent.glob("*/factories.py")):
        importlib.import_module(f"tests.{path.parent.name}.factories")
    return _registry.get(model)


@register
class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Business {n}")
    slug = factory.Sequence(lambda n: f"business-{n}")
    time_zone = "Europe/London"
    currency = "GBP"


@register
class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


@register
class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.COACH


@register
class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    organization = factory.SubFactory(OrganizationFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    status = Client.Status.ACTIVE


@register
class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Membership.Role.COACH
    token_hash = factory.Sequence(lambda n: f"{n:064d}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + Invitation.TTL)


PASSWORD = "correct horse battery staple"


# --- Marketing: segments ---------------------------------------------------------------------------
from marketing.models import Segment  # noqa: E402


@register
class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Segment {n}")
    match = "all"
    rules = factory.LazyFunction(lambda: [{"field": "status", "op": "is", "value": "active"}])


# --- Marketing: campaigns -------------------------------------------------------------------------
@register
class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")


@register
class CampaignRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignRecipient

    campaign = factory.SubFactory(CampaignFactory)
    organization = factory.SelfAttribute("campaign.organization")
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    channel = "email"


# Marketing sending settings, unsubscribe links and coach tasks.
from automation.models import CoachTask  # noqa: E402
from marketing.models import SendingSettings, UnsubscribeToken  # noqa: E402


@register
class SendingSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SendingSettings
        django_get_or_create = ("organization",)

    organization = factory.SubFactory(OrganizationFactory)


@register
class UnsubscribeTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnsubscribeToken

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    channel = "email"
    address = factory.Sequence(lambda n: f"unsubscriber{n}@example.com")


@register
class CoachTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachTask

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Call back client {n}")
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))


# --- Marketing: message templates ----------------------------------------------------------------
from marketing.models import MessageTemplate  # noqa: E402


@register
class MessageTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageTemplate

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Template {n}")
    channel = "email"
    subject = "Hello {{ client.first_name }}"
    preheader = "A note from {{ business.name }}"
    blocks = factory.LazyFunction(
        lambda: [
            {"type": "heading", "text": "Hi {{ client.first_name }}"},
            {"type": "text", "text": "See you soon."},
            {"type": "button", "label": "Book", "url": "{{ business.booking_url }}"},
        ]
    )


from branding.models import CustomDomain  # noqa: E402


@register
class CustomDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomDomain

    organization = factory.SubFactory(OrganizationFactory)
    hostname = factory.Sequence(lambda n: f"coach{n}.example.com")
    verification_token = factory.Sequence(lambda n: f"mecto-verify-token{n}")
