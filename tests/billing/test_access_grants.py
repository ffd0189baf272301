"""What a plan grants is given once, on each trigger: a package paid by hand or by Stripe
checkout, a membership started by hand or through Stripe; replays change nothing."""

from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time

from billing import services
from billing.errors import BillingError
from billing.models import Purchase, Subscription
from billing.models_access import AccessGrant, PlanAccess, PlanGrant
from clients.models import CheckInSchedule, GroupMember
from mecto.comms.models import OutboundMessage
from mecto.models import Event
from nutrition.models import Habit, MealPlan
from tests.factories import OrganizationFactory
from tests.training.factories import ProgramFactory
from training.models import Program, ScheduledWorkout

from . import stripe_fakes as fake
from .access_fixtures import *  # noqa: F403  (the fixtures)
from .access_fixtures import grants_of, pay_package
from .conftest import ACCOUNT
from .factories import PlanFactory

pytestmark = pytest.mark.django_db

T0 = 1777600000  # 2026-05-01 01:46:40 UTC, a Friday
MONTH = 30 * 86400


def _given(client_record) -> dict:
    return {
        "programs": Program.objects.filter(client=client_record).count(),
        "workouts": ScheduledWorkout.objects.filter(client=client_record).count(),
        "meal_plans": MealPlan.objects.filter(client=client_record, status="active").count(),
        "habits": Habit.objects.filter(client=client_record).count(),
        "checkins": CheckInSchedule.objects.filter(client=client_record, is_active=True).count(),
        "groups": GroupMember.objects.filter(client=client_record).count(),
        "grants": AccessGrant.objects.filter(client=client_record, revoked_at__isnull=True).count(),
    }


EVERYTHING = {"programs": 1, "workouts": 2, "meal_plans": 1, "habits": 1, "checkins": 1, "groups": 1, "grants": 6}


def test_a_package_paid_by_hand_grants_everything_once_with_one_email_and_an_event_per_grant(
    client_record, package, django_capture_on_commit_callbacks
):
    invoice = pay_package(client_record, package)
    assert _given(client_record) == EVERYTHING
    purchase = Purchase.objects.get(invoice=invoice)
    grants = AccessGrant.objects.filter(client=client_record)
    assert {g.source for g in grants} == {AccessGrant.Source.PURCHASE}
    assert {g.purchase_id for g in grants} == {purchase.pk}
    assert {g.grant_reason for g in grants} == {AccessGrant.Reason.PURCHASE_PAID}
    assert {g.kind for g in grants} == {"program", "meal_plan", "habit", "checkin", "group", "section"}
    events = Event.objects.filter(name="access.granted")
    assert events.count() == 6
    payload = events.get(payload__kind="group").payload
    assert payload["client_id"] == str(client_record.public_id)
    assert payload["plan_id"] == str(package.public_id)
    assert payload["reason"] == "purchase_paid"
    mails = OutboundMessage.objects.filter(idempotency_key__startswith="access-granted:")
    assert mails.count() == 1
    assert mails.get().category == "transactional"
    assert "Spring cohort" in mails.get().body_text

    # Fulfilling the same invoice again (a replayed task) gives nothing more.
    services.fulfil_invoice(invoice=invoice)
    assert _given(client_record) == EVERYTHING
    assert Event.objects.filter(name="access.granted").count() == 6
    assert OutboundMessage.objects.filter(idempotency_key__startswith="access-granted:").count() == 1


def test_session_credits_still_come_with_the_package(client_record, package):
    from booking.selectors import credit_balance

    pay_package(client_record, package)
    assert credit_balance(client=client_record) == 5


def test_a_part_payment_grants_nothing_until_paid_in_full(client_record, package):
    invoice = services.sell_plan(client=client_record, plan=package, send_email=False)
    services.record_payment(invoice=invoice, amount_minor=100, method="cash", idempotency_key="p1")
    assert not AccessGrant.objects.exists()
    services.record_payment(
        invoice=invoice, amount_minor=invoice.total_minor - 100, method="cash", idempotency_key="p2"
    )
    assert AccessGrant.objects.count() == 6


def test_a_membership_started_by_hand_grants_once_and_renewals_add_nothing(client_record, club):
    with freeze_time("2026-05-01 09:00"):
        subscription = services.start_membership(client=client_record, plan=club)
    assert _given(client_record) == EVERYTHING
    assert {g.source for g in AccessGrant.objects.all()} == {AccessGrant.Source.SUBSCRIPTION}
    assert {g.grant_reason for g in AccessGrant.objects.all()} == {AccessGrant.Reason.MEMBERSHIP_STARTED}
    with freeze_time("2026-06-02 09:00"):
        assert services.renew_membership(subscription=subscription) == 1
        renewal = subscription.invoices.order_by("-pk").first()
        services.record_payment(invoice=renewal, amount_minor=renewal.total_minor, method="cash")
    assert _given(client_record) == EVERYTHING
    assert Event.objects.filter(name="access.granted").count() == 6


@pytest.mark.parametrize(
    "rule, expected",
    [
        ("on_purchase", date(2026, 5, 1)),
        ("next_monday", date(2026, 5, 4)),
        ("fixed_date", date(2026, 6, 1)),
    ],
)
def test_a_program_starts_by_the_plans_rule_on_the_clients_calendar(client_record, org, owner, library, rule, expected):
    plan = PlanFactory(organization=org)
    services.set_plan_access(
        plan=plan,
        actor=owner,
        grants=grants_of(library, "program"),
        program_start=rule,
        program_start_date=date(2026, 6, 1) if rule == "fixed_date" else None,
    )
    client_record.time_zone = "Pacific/Auckland"  # already Friday 1 May there at 23:30 UTC on 30 April
    client_record.save()
    with freeze_time("2026-04-30 23:30"):
        pay_package(client_record, plan)
    assert Program.objects.get(client=client_record).start_date == expected


def test_a_package_bought_through_stripe_checkout_grants_once_however_often_delivered(
    client, connected, client_record, package
):
    meta = {
        "organization_id": str(client_record.organization_id),
        "client_id": str(client_record.public_id),
        "plan_id": str(package.public_id),
        "kind": "plan",
    }
    session = fake.checkout_session(amount_total=50000, metadata=meta, payment_intent="pi_PACK")
    data = fake.event("checkout.session.completed", session, account_id=ACCOUNT)
    assert fake.post_event(client, data).status_code == 200
    assert fake.post_event(client, data).status_code == 200
    assert _given(client_record) == EVERYTHING
    assert Event.objects.filter(name="access.granted").count() == 6


def test_a_stripe_membership_grants_once_whatever_the_order_of_its_events(client, connected, client_record, club):
    meta = {
        "organization_id": str(client_record.organization_id),
        "client_id": str(client_record.public_id),
        "plan_id": str(club.public_id),
        "kind": "plan",
    }
    session = fake.checkout_session(mode="subscription", subscription="sub_CLUB", amount_total=12000, metadata=meta)
    first_invoice = fake.invoice(
        sub_id="sub_CLUB", metadata=meta, period_start=T0, period_end=T0 + MONTH, payment_intent="pi_M1"
    )
    events = [
        fake.event("invoice.paid", first_invoice, account_id=ACCOUNT, created=T0 + 3),
        fake.event("checkout.session.completed", session, account_id=ACCOUNT, created=T0 + 5),
    ]
    with freeze_time(datetime.fromtimestamp(T0 + 60, tz=UTC)):
        for data in events + events:
            assert fake.post_event(client, data).status_code == 200
    assert Subscription.objects.get().collection == "stripe"
    assert _given(client_record) == EVERYTHING
    assert Event.objects.filter(name="access.granted").count() == 6


def test_a_program_or_group_of_another_business_is_refused_and_nothing_changes(org, owner, library):
    plan = PlanFactory(organization=org)
    other = OrganizationFactory()
    foreign = ProgramFactory(organization=other, is_template=True)
    with pytest.raises(BillingError) as exc:
        services.set_plan_access(plan=plan, actor=owner, grants={"program": [str(foreign.pk)]})
    assert exc.value.field == "programs"
    assert not PlanGrant.objects.exists() and not PlanAccess.objects.exists()


@pytest.mark.parametrize("days", [-1, 366, "7"])
def test_grace_days_outside_0_to_365_are_refused(org, owner, days):
    with pytest.raises(BillingError) as exc:
        services.set_plan_access(plan=PlanFactory(organization=org), actor=owner, grants={}, grace_days=days)
    assert exc.value.field == "grace_days"


def test_a_client_copy_of_a_program_cannot_be_granted(org, owner, client_record, library):
    copy = ProgramFactory(organization=org, client=client_record)
    with pytest.raises(BillingError):
        services.set_plan_access(plan=PlanFactory(organization=org), actor=owner, grants={"program": [str(copy.pk)]})


def test_changing_what_a_plan_grants_replaces_the_list(org, owner, library):
    plan = PlanFactory(organization=org)
    services.set_plan_access(plan=plan, actor=owner, grants=grants_of(library, "program", "group"))
    services.set_plan_access(plan=plan, actor=owner, grants=grants_of(library, "group", sections=["habits"]))
    assert sorted(PlanGrant.objects.values_list("kind", flat=True)) == ["group", "section"]
