from datetime import timedelta

import factory
from django.utils import timezone

from integrations.models import ApiToken, ConnectedAccount, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests.factories import MembershipFactory, register


@register
class ConnectedAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConnectedAccount

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    user = factory.LazyAttribute(lambda o: MembershipFactory(organization=o.organization).user)
    provider = ConnectedAccount.Provider.GOOGLE
    account_email = factory.Sequence(lambda n: f"coach{n}@gmail.example")
    access_token = "ya29.access"
    refresh_token = "1//refresh"
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))


@register
class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    url = factory.Sequence(lambda n: f"https://hooks{n}.example.com/in")
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@register
class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    endpoint = factory.LazyAttribute(lambda o: WebhookEndpointFactory(organization=o.organization))
    event_type = "client.created"
    message_id = factory.Sequence(lambda n: f"msg_test{n}")
    payload = factory.LazyFunction(lambda: {"type": "client.created", "data": {}})


@register
class WebhookAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookAttempt

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    delivery = factory.LazyAttribute(lambda o: WebhookDeliveryFactory(organization=o.organization))
    response_status = 200


@register
class ApiTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiToken

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    name = "Zapier"
    prefix = factory.Sequence(lambda n: f"mecto_pat_{n:08d}")
    secret_hash = factory.Sequence(lambda n: f"{n:064x}")
    scopes = factory.LazyFunction(lambda: {"clients": "read"})
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=90))
    created_by = factory.LazyAttribute(lambda o: MembershipFactory(organization=o.organization, role="owner").user)
