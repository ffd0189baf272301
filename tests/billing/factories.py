from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from billing.models import (
    Coupon,
    CouponRedemption,
    CreditNote,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentLink,
    Plan,
    PlanRequest,
    Purchase,
    Subscription,
)
from billing.models_access import AccessGrant, AccessKind, PlanGrant
from tests.factories import ClientFactory, register


@register
class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    name = factory.Sequence(lambda n: f"10-session package {n}")
    kind = Plan.Kind.PACKAGE
    price_minor = 50000
    currency = factory.SelfAttribute("organization.currency")
    tax_rate = Decimal("0")
    sessions = 10
    validity_days = 90


class MembershipPlanFactory(PlanFactory):
    name = factory.Sequence(lambda n: f"Monthly membership {n}")
    kind = Plan.Kind.MEMBERSHIP
    price_minor = 12000
    sessions = 4
    validity_days = None
    interval = Plan.Interval.MONTH


@register
class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    plan = factory.SubFactory(MembershipPlanFactory, organization=factory.SelfAttribute("..organization"))
    status = Subscription.Status.ACTIVE
    collection = Subscription.Collection.MANUAL
    price_minor = factory.SelfAttribute("plan.price_minor")
    currency = factory.SelfAttribute("plan.currency")
    interval = factory.SelfAttribute("plan.interval")
    sessions_per_period = factory.SelfAttribute("plan.sessions")
    started_at = factory.LazyFunction(timezone.now)
    anchor_at = factory.SelfAttribute("started_at")
    current_period_start = factory.SelfAttribute("started_at")
    current_period_end = factory.LazyAttribute(lambda o: o.started_at + timedelta(days=30))


@register
class InvoiceFactory(factory.django.DjangoModelFactory):
    """An open invoice with one line of 100.00."""

    class Meta:
        model = Invoice
        skip_postgeneration_save = True

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    bill_to_name = factory.LazyAttribute(lambda o: o.client.full_name)
    bill_to_email = factory.LazyAttribute(lambda o: o.client.email)
    status = Invoice.Status.OPEN
    sequence = factory.Sequence(lambda n: n + 1000)
    number = factory.LazyAttribute(lambda o: f"INV-{o.sequence:05d}")
    currency = factory.SelfAttribute("organization.currency")
    subtotal_minor = 10000
    total_minor = 10000
    issued_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))

    @factory.post_generation
    def lines(self, create, extracted, **kwargs):
        if create:
            InvoiceLine.objects.create(
                organization=self.organization,
                invoice=self,
                description="Session",
                unit_price_minor=self.total_minor,
                net_minor=self.subtotal_minor,
                tax_minor=self.tax_minor,
                total_minor=self.total_minor,
            )


@register
class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    invoice = factory.SubFactory(
        InvoiceFactory, organization=factory.SelfAttribute("..organization"), client=factory.SelfAttribute("..client")
    )
    method = Payment.Method.CASH
    amount_minor = 10000
    currency = factory.SelfAttribute("organization.currency")
    received_at = factory.LazyFunction(timezone.now)


@register
class CreditNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditNote

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    invoice = factory.SubFactory(
        InvoiceFactory, organization=factory.SelfAttribute("..organization"), client=factory.SelfAttribute("..client")
    )
    sequence = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: f"CN-{o.sequence:05d}")
    amount_minor = 1000
    currency = factory.SelfAttribute("organization.currency")
    issued_at = factory.LazyFunction(timezone.now)


@register
class PaymentLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentLink

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    plan = factory.SubFactory(PlanFactory, organization=factory.SelfAttribute("..organization"))
    token_hash = factory.Sequence(lambda n: f"{n:064d}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + PaymentLink.TTL)


@register
class PurchaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Purchase

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    plan = factory.SubFactory(PlanFactory, organization=factory.SelfAttribute("..organization"))
    invoice = factory.SubFactory(
        InvoiceFactory, organization=factory.SelfAttribute("..organization"), client=factory.SelfAttribute("..client")
    )
    sessions = 10
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=90))


@register
class PlanRequestFactory(factory.django.DjangoModelFactory):
    """A pending request of a client for a package."""

    class Meta:
        model = PlanRequest

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    plan = factory.SubFactory(PlanFactory, organization=factory.SelfAttribute("..organization"))
    message = "Can I start next week?"


@register
class CouponFactory(factory.django.DjangoModelFactory):
    """20 % off once, for every plan."""

    class Meta:
        model = Coupon

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    code = factory.Sequence(lambda n: f"CODE{n:04d}")
    percent_off = Decimal("20")
    currency = factory.SelfAttribute("organization.currency")
    duration = Coupon.Duration.ONCE


@register
class CouponRedemptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouponRedemption

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    coupon = factory.SubFactory(CouponFactory, organization=factory.SelfAttribute("..organization"))
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    amount_off_minor = 1000
    currency = factory.SelfAttribute("organization.currency")


@register
class PlanGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanGrant

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    plan = factory.SubFactory(PlanFactory, organization=factory.SelfAttribute("..organization"))
    kind = AccessKind.SECTION
    target_id = "nutrition"
    label = "Nutrition"


@register
class AccessGrantFactory(factory.django.DjangoModelFactory):
    """A live grant of a portal section to a client (as a purchase gives it)."""

    class Meta:
        model = AccessGrant

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    plan = factory.SubFactory(PlanFactory, organization=factory.SelfAttribute("..organization"))
    source = AccessGrant.Source.PURCHASE
    source_key = factory.Sequence(lambda n: f"purchase:test-{n}")
    kind = AccessKind.SECTION
    target_id = "nutrition"
    label = "Nutrition"
    granted_at = factory.LazyFunction(timezone.now)
    grant_reason = AccessGrant.Reason.PURCHASE_PAID
