"""Plan requests when the business takes no card payments: the client asks (portal and API),
the coach gets a task, approves (one invoice, however often) or declines with a reason, and
the client is emailed either way, in their language."""

import uuid

import pytest
from django.core import mail

from automation.models import CoachTask
from billing import services
from billing.models import Invoice, PlanRequest, Subscription
from mecto.comms.models import OutboundMessage
from mecto.models import Event
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory, UserFactory
from tests.threads import in_threads

from .factories import MembershipPlanFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hand_paid(org, no_stripe):
    """`org` without card payments, with bank details for transfers."""
    return services.update_billing_settings(
        organization=org,
        bank_account_holder="Northside Strength Ltd",
        bank_account_number="GB33 BUKB 2020 1555 5555 55",
        bank_code="20-20-15",
    )


@pytest.fixture
def coached(org, client_record, coach):
    client_record.coach = coach
    client_record.save()
    return client_record


@pytest.fixture
def package(org):
    return PlanFactory(organization=org, name="Ten pack", price_minor=50000)


def _request(client_record, plan, message=""):
    return services.request_plan(client=client_record, plan=plan, message=message, actor=client_record.user)


def test_request_task_approve_invoice_pay(
    client, org, hand_paid, coached, coach, package, django_capture_on_commit_callbacks
):
    client.force_login(coached.user)
    page = client.get("/portal/billing/").content.decode()
    assert "Ask to buy" in page and "Ask your coach" not in page
    assert "GB33 BUKB 2020 1555 5555 55" in page  # how to pay, before anything is bought
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/portal/billing/plans/{package.public_id}/request/", {"message": "Can I start Monday?"}
        )
    assert response.status_code == 302
    plan_request = PlanRequest.objects.get()
    assert (plan_request.client, plan_request.plan, plan_request.status) == (coached, package, "pending")
    assert plan_request.message == "Can I start Monday?"
    assert Event.objects.filter(name="plan.requested").count() == 1
    task = CoachTask.objects.get(organization=org)
    assert task.assignee == coach and task.client == coached
    assert "Ten pack" in task.title and task.detail == "Can I start Monday?"
    assert "You asked for this" in client.get("/portal/billing/").content.decode()

    client.force_login(coach)
    listing = client.get("/billing/requests/").content.decode()
    assert "Ten pack" in listing and "Approve and invoice" in listing
    assert "Plan requests" in client.get(f"/clients/{coached.pk}/").content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/billing/requests/{plan_request.pk}/", {"action": "approve"})
    assert response.status_code == 302
    plan_request.refresh_from_db()
    invoice = plan_request.invoice
    assert plan_request.status == "approved" and plan_request.decided_by == coach
    assert invoice.status == Invoice.Status.OPEN and invoice.total_minor == 50000 and invoice.client == coached
    subjects = sorted(m.subject for m in mail.outbox)
    assert any("approved" in s for s in subjects) and len(mail.outbox) == 2  # the approval and the invoice
    invoice_mail = next(m for m in mail.outbox if "approved" not in m.subject)
    assert "GB33 BUKB 2020 1555 5555 55" in invoice_mail.body and invoice.number in invoice_mail.body

    services.record_payment(invoice=invoice, amount_minor=invoice.total_minor, method="transfer", actor=coach)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert coached.purchases.filter(plan=package).exists()


def test_approving_a_membership_starts_it_paid_by_hand_with_its_first_invoice(
    org, hand_paid, coached, coach, django_capture_on_commit_callbacks
):
    plan = MembershipPlanFactory(organization=org)
    plan_request = _request(coached, plan)
    with django_capture_on_commit_callbacks(execute=True):
        plan_request = services.approve_plan_request(plan_request=plan_request, actor=coach)
    subscription = plan_request.subscription
    assert subscription.collection == Subscription.Collection.MANUAL and subscription.status == "active"
    assert plan_request.invoice.subscription == subscription
    assert Invoice.objects.filter(subscription=subscription).count() == 1


def test_approving_twice_issues_one_invoice(org, hand_paid, coached, coach, package, coach_api):
    plan_request = _request(coached, package)
    first = coach_api.post(f"/api/v1/billing/plan-requests/{plan_request.pk}/approve/")
    second = coach_api.post(f"/api/v1/billing/plan-requests/{plan_request.pk}/approve/")
    assert first.status_code == second.status_code == 200
    assert first.json()["invoice"] == second.json()["invoice"] is not None
    assert Invoice.objects.for_org(org).count() == 1
    plan_request.refresh_from_db()
    assert services.approve_plan_request(plan_request=plan_request, actor=coach).invoice_id == plan_request.invoice_id
    assert Invoice.objects.for_org(org).count() == 1
    # An approved request cannot be declined afterwards.
    response = coach_api.post(f"/api/v1/billing/plan-requests/{plan_request.pk}/decline/", {"reason": "No"})
    assert response.status_code == 400


def test_decline_needs_a_reason_and_emails_the_client_in_their_language(
    org, hand_paid, coached, coach, package, coach_api, django_capture_on_commit_callbacks
):
    coached.user.language = "es"
    coached.user.save()
    plan_request = _request(coached, package)
    response = coach_api.post(f"/api/v1/billing/plan-requests/{plan_request.pk}/decline/", {"reason": " "})
    assert response.status_code == 400
    plan_request.refresh_from_db()
    assert plan_request.status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        response = coach_api.post(
            f"/api/v1/billing/plan-requests/{plan_request.pk}/decline/", {"reason": "The group is full this month."}
        )
    assert response.status_code == 200 and response.json()["status"] == "declined"
    message = OutboundMessage.objects.get(idempotency_key=f"plan-request:{plan_request.public_id}:declined")
    assert message.to_address == coached.email and message.language == "es"
    assert "The group is full this month." in message.body_text
    assert not Invoice.objects.for_org(org).exists()
    # Declined: the client may ask again.
    assert _request(coached, package).status == "pending"


def test_one_open_request_per_client_and_plan(org, hand_paid, client_record, package):
    api = api_as(client_record.user)
    first = api.post("/api/v1/me/plan-requests/", {"plan": str(package.public_id), "message": "Please"})
    second = api.post("/api/v1/me/plan-requests/", {"plan": str(package.public_id)})
    assert first.status_code == 201 and first.json()["status"] == "pending"
    assert second.status_code == 400 and "already asked" in second.json()["detail"]
    assert PlanRequest.objects.count() == 1
    # Withdrawn: a new request is possible.
    public_id = first.json()["public_id"]
    assert api.post(f"/api/v1/me/plan-requests/{public_id}/cancel/").json()["status"] == "cancelled"
    assert api.post("/api/v1/me/plan-requests/", {"plan": str(package.public_id)}).status_code == 201
    assert [r["status"] for r in api.get("/api/v1/me/plan-requests/").json()["results"]] == ["pending", "cancelled"]


def test_bad_or_foreign_plan_is_refused_and_nothing_is_saved(org, hand_paid, client_record):
    api = api_as(client_record.user)
    foreign = PlanFactory(organization=OrganizationFactory())
    unsold = PlanFactory(organization=org, sold_online=False)
    assert api.post("/api/v1/me/plan-requests/", {"plan": "not-a-uuid"}).status_code == 400
    assert api.post("/api/v1/me/plan-requests/", {}).status_code == 400
    assert api.post("/api/v1/me/plan-requests/", {"plan": str(uuid.uuid4())}).status_code == 404
    assert api.post("/api/v1/me/plan-requests/", {"plan": str(foreign.public_id)}).status_code == 404
    assert api.post("/api/v1/me/plan-requests/", {"plan": str(unsold.public_id)}).status_code == 404
    long = PlanFactory(organization=org)
    assert api.post("/api/v1/me/plan-requests/", {"plan": str(long.public_id), "message": "x" * 501}).status_code == 400
    assert not PlanRequest.objects.exists() and not Event.objects.filter(name="plan.requested").exists()


def test_with_card_payments_clients_buy_instead_of_asking(org, client_record, connected, package):
    api = api_as(client_record.user)
    response = api.post("/api/v1/me/plan-requests/", {"plan": str(package.public_id)})
    assert response.status_code == 400 and not PlanRequest.objects.exists()


def test_without_a_coach_everyone_who_manages_billing_gets_the_task(
    org, hand_paid, client_record, owner, coach, assistant, package, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _request(client_record, package)
    assert set(CoachTask.objects.values_list("assignee", flat=True)) == {owner.pk, coach.pk}


def test_other_businesses_and_other_clients_see_nothing(org, hand_paid, client_record, package, coach_api):
    plan_request = _request(client_record, package)
    other_org = OrganizationFactory()
    outsider = MembershipFactory(organization=other_org, role="owner").user
    api = api_as(outsider)
    assert api.get(f"/api/v1/billing/plan-requests/{plan_request.pk}/").status_code == 404
    assert api.post(f"/api/v1/billing/plan-requests/{plan_request.pk}/approve/").status_code == 404
    assert api.get("/api/v1/billing/plan-requests/").json()["results"] == []
    other_client = ClientFactory(organization=org, user=UserFactory())
    mine = api_as(other_client.user)
    assert mine.get("/api/v1/me/plan-requests/").json()["results"] == []
    assert mine.post(f"/api/v1/me/plan-requests/{plan_request.public_id}/cancel/").status_code == 404
    plan_request.refresh_from_db()
    assert plan_request.status == "pending"


def test_the_coach_list_is_pending_first_and_its_query_count_is_flat(
    client, org, hand_paid, coach, coach_api, django_assert_max_num_queries
):
    def make(n):
        for _ in range(n):
            customer = ClientFactory(organization=org)
            plan_request = _request(customer, PlanFactory(organization=org))
            if len(PlanRequest.objects.all()) % 2:
                services.decline_plan_request(plan_request=plan_request, reason="Full", actor=coach)

    make(10)
    client.force_login(coach)
    with django_assert_max_num_queries(30) as small:
        assert client.get("/billing/requests/").status_code == 200
    page_queries = len(small)
    statuses = [r["status"] for r in coach_api.get("/api/v1/billing/plan-requests/").json()["results"]]
    assert statuses == sorted(statuses, key=lambda s: s != "pending")
    make(15)
    with django_assert_max_num_queries(page_queries):
        assert client.get("/billing/requests/").status_code == 200
    with django_assert_max_num_queries(12) as api_small:
        coach_api.get("/api/v1/billing/plan-requests/?page_size=10")
    api_queries = len(api_small)
    with django_assert_max_num_queries(api_queries):
        coach_api.get("/api/v1/billing/plan-requests/?page_size=25")


def test_empty_state_says_what_to_do(client, org, hand_paid, coach):
    client.force_login(coach)
    page = client.get("/billing/requests/").content.decode()
    assert "No requests yet" in page and "clients ask for a plan in their portal" in page


def test_decline_from_the_page_without_a_reason_changes_nothing(client, org, hand_paid, coached, coach, package):
    plan_request = _request(coached, package)
    client.force_login(coach)
    response = client.post(f"/billing/requests/{plan_request.pk}/", {"action": "decline", "reason": ""}, follow=True)
    assert "Tell the client why" in response.content.decode()
    plan_request.refresh_from_db()
    assert plan_request.status == "pending"
    client.post(
        f"/billing/requests/{plan_request.pk}/", {"action": "decline", "reason": "Not this month", "next": "client"}
    )
    plan_request.refresh_from_db()
    assert plan_request.status == "declined" and plan_request.decline_reason == "Not this month"


def _in_threads(target, count):
    return in_threads(target, count)


@pytest.mark.django_db(transaction=True)
@pytest.mark.engine
def test_concurrent_asks_and_approvals_make_one_request_and_one_invoice(settings):
    settings.STRIPE_SECRET_KEY = ""
    org = OrganizationFactory()
    coach = MembershipFactory(organization=org, role="coach").user
    customer = ClientFactory(organization=org, email="race@example.com")
    plan = PlanFactory(organization=org)

    def ask(_i):
        try:
            services.request_plan(client=customer, plan=plan)
        except services.BillingError:
            pass  # the others are told they already asked

    assert _in_threads(ask, 4) == []
    plan_request = PlanRequest.objects.get(client=customer, plan=plan)
    assert _in_threads(lambda _i: services.approve_plan_request(plan_request=plan_request, actor=coach), 4) == []
    assert Invoice.objects.filter(organization=org).count() == 1
    plan_request.refresh_from_db()
    assert plan_request.status == "approved" and plan_request.invoice is not None


def test_a_coupon_code_is_checked_on_asking_and_taken_off_when_the_coach_approves(
    org, hand_paid, client_record, package
):
    services.create_coupon(organization=org, code="WELCOME20", percent_off="20")
    api = api_as(client_record.user)
    bad = api.post("/api/v1/me/plan-requests/", {"plan": str(package.public_id), "coupon_code": "nope"})
    assert bad.status_code == 400 and "coupon_code" in bad.json()["errors"]
    assert not PlanRequest.objects.exists()
    asked = api.post("/api/v1/me/plan-requests/", {"plan": str(package.public_id), "coupon_code": "welcome20"})
    assert asked.status_code == 201 and asked.json()["coupon_code"] == "WELCOME20"
    plan_request = PlanRequest.objects.get()
    approved = services.approve_plan_request(plan_request=plan_request)
    assert approved.coupon_dropped == ""
    assert (approved.invoice.discount_minor, approved.invoice.total_minor) == (10000, 40000)


def test_a_code_that_ran_out_before_approval_is_left_off_and_the_coach_is_told(
    client, org, hand_paid, client_record, package, coach
):
    coupon = services.create_coupon(organization=org, code="ONCEONLY", percent_off="50", max_redemptions=1)
    plan_request = services.request_plan(client=client_record, plan=package, coupon_code="onceonly")
    other = ClientFactory(organization=org)
    services.sell_plan(client=other, plan=package, coupon_code="ONCEONLY", send_email=False)  # the last use
    coupon.refresh_from_db()
    assert coupon.times_redeemed == 1
    client.force_login(coach)
    response = client.post(f"/billing/requests/{plan_request.pk}/", {"action": "approve"}, follow=True)
    assert "no longer applies" in response.content.decode()
    plan_request.refresh_from_db()
    assert plan_request.status == PlanRequest.Status.APPROVED and plan_request.invoice.total_minor == 50000
