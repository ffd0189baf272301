"""Coupons through the API and the coach's pages: CRUD, archive, each use, inline errors,
codes on invoices and memberships, and lists whose query count does not grow."""

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from billing import services
from billing.models import Coupon, CouponRedemption, Invoice
from tests.conftest import api_as
from tests.factories import ClientFactory, OrganizationFactory

from .factories import MembershipPlanFactory, PlanFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/billing/coupons/"


@pytest.fixture
def package(org):
    return PlanFactory(organization=org, price_minor=50000)


def test_coaches_create_change_and_archive_coupons(coach_api, org, package):
    made = coach_api.post(
        URL,
        {
            "code": "spring-10",
            "amount_off_minor": 1000,
            "duration": "once",
            "plans": [package.pk],
            "max_redemptions": 5,
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["code"] == "SPRING-10" and body["currency"] == org.currency and body["plans"] == [package.pk]
    assert body["redemptions_count"] == 0 and body["percent_off"] is None
    pk = body["id"]
    changed = coach_api.patch(f"{URL}{pk}/", {"max_redemptions": 50, "plans": []}, format="json")
    assert changed.status_code == 200 and changed.json()["max_redemptions"] == 50 and changed.json()["plans"] == []
    assert coach_api.delete(f"{URL}{pk}/").status_code == 204
    assert Coupon.objects.get(pk=pk).is_active is False
    assert coach_api.get(URL, {"is_active": "false"}).json()["count"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "X1", "percent_off": "10"}, "code"),
        ({"code": "OK10", "percent_off": "150"}, "percent_off"),
        ({"code": "OK10"}, "percent_off"),
        ({"code": "OK10", "percent_off": "10", "duration": "repeating"}, "duration_periods"),
        ({"code": "OK10", "percent_off": "10", "expires_at": "soon"}, "expires_at"),
    ],
)
def test_bad_coupons_are_a_400_with_the_field_and_nothing_saved(coach_api, body, field):
    response = coach_api.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    data = response.json()
    assert field in (data.get("errors") or data), data
    assert not Coupon.objects.exists()


def test_a_plan_of_another_business_is_refused(coach_api):
    foreign = PlanFactory(organization=OrganizationFactory())
    response = coach_api.post(URL, {"code": "MINE", "percent_off": "10", "plans": [foreign.pk]}, format="json")
    assert response.status_code == 400 and not Coupon.objects.exists()


def test_assistants_neither_see_nor_make_coupons(assistant, org):
    services.create_coupon(organization=org, code="SEEN", percent_off="10")
    api = api_as(assistant)
    assert api.get(URL).status_code == 403
    assert api.post(URL, {"code": "NEW1", "percent_off": "10"}, format="json").status_code == 403
    assert Coupon.objects.count() == 1


def test_each_use_is_listed_with_its_client_and_invoice(coach_api, org, client_record, package):
    coupon = services.create_coupon(organization=org, code="WELCOME20", percent_off="20")
    invoice = services.sell_plan(client=client_record, plan=package, coupon_code="welcome20")
    response = coach_api.get(f"{URL}{coupon.pk}/redemptions/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["client"] == str(client_record.public_id) and row["invoice_number"] == invoice.number
    assert row["amount_off_minor"] == 10000 and row["source"] == "manual"
    other = services.create_coupon(organization=OrganizationFactory(), code="THEIRS", percent_off="5")
    assert coach_api.get(f"{URL}{other.pk}/redemptions/").status_code == 404


def test_coupon_lists_are_n_plus_one_free(coach_api, org, package):
    plans = [package, PlanFactory(organization=org)]

    def make(n):
        start = Coupon.objects.count()
        for i in range(n):
            services.create_coupon(organization=org, code=f"CODE{start + i:04d}", percent_off="10", plans=plans)

    make(10)
    with CaptureQueriesContext(connection) as at_ten:
        assert coach_api.get(URL, {"page_size": 100}).status_code == 200
    make(90)
    with CaptureQueriesContext(connection) as at_hundred:
        response = coach_api.get(URL, {"page_size": 100})
    assert len(response.json()["results"]) == 100
    assert len(at_hundred.captured_queries) <= len(at_ten.captured_queries)


def test_redemption_lists_are_n_plus_one_free(coach_api, org, package, django_assert_max_num_queries):
    coupon = services.create_coupon(organization=org, code="MANY", percent_off="10", per_client_limit=None)

    def make(n):
        for _i in range(n):
            services.sell_plan(client=ClientFactory(organization=org), plan=package, coupon_code="many", issue=False)

    make(10)
    with CaptureQueriesContext(connection) as at_ten:
        coach_api.get(f"{URL}{coupon.pk}/redemptions/", {"page_size": 100})
    make(40)
    with django_assert_max_num_queries(len(at_ten.captured_queries)):
        response = coach_api.get(f"{URL}{coupon.pk}/redemptions/", {"page_size": 100})
    assert len(response.json()["results"]) == 50


def test_codes_on_invoices_and_memberships_through_the_api(coach_api, org, client_record, package):
    services.create_coupon(organization=org, code="WELCOME20", percent_off="20", per_client_limit=None)
    invoice = coach_api.post(
        "/api/v1/billing/invoices/",
        {"client": client_record.pk, "plan": package.pk, "coupon_code": "welcome20"},
        format="json",
    )
    assert invoice.status_code == 201, invoice.content
    assert invoice.json()["discount_minor"] == 10000 and invoice.json()["total_minor"] == 40000
    assert invoice.json()["lines"][0]["discount_minor"] == 10000
    bad = coach_api.post(
        "/api/v1/billing/invoices/", {"client": client_record.pk, "plan": package.pk, "coupon_code": "x"}, format="json"
    )
    assert bad.status_code == 400 and "coupon_code" in bad.json()["errors"]
    monthly = MembershipPlanFactory(organization=org)
    membership = coach_api.post(
        "/api/v1/billing/memberships/",
        {"client": client_record.pk, "plan": monthly.pk, "coupon_code": "WELCOME20"},
        format="json",
    )
    assert membership.status_code == 201, membership.content
    assert Invoice.objects.filter(subscription__isnull=False).get().total_minor == 9600
    assert CouponRedemption.objects.count() == 2


# --- Pages ------------------------------------------------------------------------------------------------
@pytest.fixture
def browser(coach):
    http = HttpClient()
    http.force_login(coach)
    return http


def test_the_coupons_page_says_what_to_do_when_empty_and_counts_uses(browser, org, client_record, package):
    empty = browser.get("/billing/coupons/")
    assert empty.status_code == 200 and "No coupons yet" in empty.content.decode()
    services.create_coupon(organization=org, code="WELCOME20", percent_off="20", max_redemptions=10)
    services.sell_plan(client=client_record, plan=package, coupon_code="welcome20", issue=False)
    page = browser.get("/billing/coupons/").content.decode()
    assert "WELCOME20" in page and "1 / 10" in page


def test_coaches_create_a_coupon_with_errors_beside_the_fields(browser, org, package):
    bad = browser.post(
        "/billing/coupons/new/", {"code": "a b", "kind": "percent", "percent_off": "", "duration": "once"}
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "Give the percentage off." in page and not Coupon.objects.exists()
    ok = browser.post(
        "/billing/coupons/new/",
        {
            "code": "summer",
            "kind": "amount",
            "amount_off_minor": "12.50",
            "duration": "repeating",
            "duration_periods": "3",
            "plans": [package.pk],
            "per_client_limit": "1",
            "expires_on": "2030-06-30",
        },
    )
    assert ok.status_code == 302, ok.content.decode()
    coupon = Coupon.objects.get()
    assert coupon.code == "SUMMER" and coupon.amount_off_minor == 1250 and coupon.duration_periods == 3
    assert list(coupon.plans.all()) == [package]
    assert coupon.expires_at.isoformat().startswith("2030-06-30T23:00")  # midnight in London (BST)
    edit = browser.get(f"/billing/coupons/{coupon.pk}/")
    assert edit.status_code == 200 and "Nobody used this code yet." in edit.content.decode()
    assert browser.post(f"/billing/coupons/{coupon.pk}/archive/").status_code == 302
    assert Coupon.objects.get().is_active is False


def test_invoicing_a_package_with_a_bad_code_shows_the_reason_beside_the_field(browser, org, client_record, package):
    response = browser.post(
        "/billing/invoices/sell/", {"client": client_record.pk, "plan": package.pk, "quantity": 1, "coupon_code": "x"}
    )
    assert response.status_code == 400 and "There is no code X" in response.content.decode()
    assert not Invoice.objects.exists()
    services.create_coupon(organization=org, code="WELCOME20", percent_off="20")
    done = browser.post(
        "/billing/invoices/sell/",
        {"client": client_record.pk, "plan": package.pk, "quantity": 1, "coupon_code": "welcome20"},
    )
    assert done.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.total_minor == 40000
    detail = browser.get(f"/billing/invoices/{invoice.pk}/").content.decode()
    assert 'data-figure="discount"' in detail


def test_another_business_cannot_open_or_archive_a_coupon(browser):
    foreign = services.create_coupon(organization=OrganizationFactory(), code="THEIRS", percent_off="5")
    assert browser.get(f"/billing/coupons/{foreign.pk}/").status_code == 404
    assert browser.post(f"/billing/coupons/{foreign.pk}/archive/").status_code == 404
    assert Coupon.objects.get().is_active
