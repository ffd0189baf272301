from datetime import timedelta

import factory
from django.utils import timezone

from booking.models import CreditGrant
from tests.factories import ClientFactory, register


@register
class CreditGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditGrant

    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    quantity = 10
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=90))
    source_ref = factory.Sequence(lambda n: f"test:{n}")
