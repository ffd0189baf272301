from datetime import timedelta

import factory
from django.utils import timezone

from integrations.models import ConnectedAccount
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
