from datetime import time, timedelta

import factory
from django.utils import timezone

from booking.models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingPolicy,
    CoachProfile,
    CreditEntry,
    CreditGrant,
    GroupClass,
    RecurringSeries,
    ServiceType,
    Session,
    WaitlistEntry,
)
from tests.factories import ClientFactory, MembershipFactory, register


def _member(org):
    return MembershipFactory(organization=org).user


@register
class CreditGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditGrant

    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    quantity = 10
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=90))
    source_ref = factory.Sequence(lambda n: f"test:{n}")


@register
class CoachProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachProfile

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    user = factory.LazyAttribute(lambda o: _member(o.organization))
    slug = factory.Sequence(lambda n: f"coach-{n}")
    time_zone = "Europe/London"
    min_notice_minutes = 0
    max_days_ahead = 60
    slot_step_minutes = 30


@register
class BookingPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BookingPolicy

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    reminder_offsets_minutes = factory.LazyFunction(lambda: [1440, 120])


@register
class ServiceTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceType
        skip_postgeneration_save = True

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    name = factory.Sequence(lambda n: f"Session type {n}")
    slug = factory.Sequence(lambda n: f"session-type-{n}")
    duration_minutes = 60
    price_minor = 0
    currency = "GBP"
    location_type = ServiceType.Location.IN_PERSON
    address = "1 Gym Street"
    capacity = 1

    @factory.post_generation
    def coaches(self, create, extracted, **kwargs):
        if create and extracted:
            self.coaches.set(extracted)


@register
class AvailabilityRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilityRule

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    coach = factory.LazyAttribute(lambda o: _member(o.organization))
    weekday = 0
    start_time = time(9, 0)
    end_time = time(17, 0)


@register
class AvailabilityExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilityException

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    coach = factory.LazyAttribute(lambda o: _member(o.organization))
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3))
    kind = AvailabilityException.Kind.OFF


@register
class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    coach = factory.LazyAttribute(lambda o: _member(o.organization))
    service = factory.SubFactory(ServiceTypeFactory, organization=factory.SelfAttribute("..organization"))
    # One hour apart, always 2 to 7 days ahead: the sequence counts over the whole test run, and
    # a session that drifted weeks ahead would fall outside "the next 7 days".
    start_at = factory.Sequence(
        lambda n: timezone.now().replace(microsecond=0, second=0) + timedelta(days=2, hours=n % 120)
    )
    end_at = factory.LazyAttribute(lambda o: o.start_at + timedelta(minutes=60))
    capacity = 1
    location_type = ServiceType.Location.IN_PERSON


@register
class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    session = factory.SubFactory(SessionFactory, organization=factory.SelfAttribute("..organization"))
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    seat = 1
    currency = "GBP"


@register
class RecurringSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecurringSeries

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    coach = factory.LazyAttribute(lambda o: _member(o.organization))
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    service = factory.SubFactory(ServiceTypeFactory, organization=factory.SelfAttribute("..organization"))
    first_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=1))
    local_time = time(10, 0)
    time_zone = "Europe/London"
    weeks = 4


@register
class CreditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditEntry

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    grant = factory.SubFactory(
        CreditGrantFactory,
        organization=factory.SelfAttribute("..organization"),
        client=factory.SelfAttribute("..client"),
    )
    kind = CreditEntry.Kind.CONSUME
    delta = -1
    reference = factory.Sequence(lambda n: f"booking:{n}")
    idempotency_key = factory.LazyAttribute(lambda o: f"consume:{o.reference}")


@register
class GroupClassFactory(factory.django.DjangoModelFactory):
    """A weekly class (Tuesdays 07:00) of a 10-place group service; no occurrences (the service
    `save_group_class` makes them)."""

    class Meta:
        model = GroupClass

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    coach = factory.LazyAttribute(lambda o: _member(o.organization))
    service = factory.LazyAttribute(
        lambda o: ServiceTypeFactory(organization=o.organization, capacity=10, coaches=[o.coach])
    )
    title = factory.Sequence(lambda n: f"Class {n}")
    weekly_times = factory.LazyFunction(lambda: [{"weekday": 1, "start_time": "07:00"}])
    starts_on = factory.LazyFunction(lambda: timezone.localdate())


@register
class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitlistEntry

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    session = factory.LazyAttribute(lambda o: SessionFactory(organization=o.organization))
    sequence = factory.Sequence(lambda n: n + 1)
