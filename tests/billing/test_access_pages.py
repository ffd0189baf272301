"""The pages and API of access: "What it grants" on the plan's page (validated inline), the
client's access ledger, what the client's plans include, the portal sections a product gates,
and the lists' query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing import services
from billing.models_access import AccessGrant, PlanGrant
from tests.conftest import api_as
from tests.factories import ClientFactory, OrganizationFactory, UserFactory
from tests.training.factories import ProgramFactory

from .access_fixtures import *  # noqa: F403  (the fixtures)
from .access_fixtures import pay_package
from .factories import AccessGrantFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_owner(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def as_client(client, client_record):
    client.force_login(client_record.user)
    return client


# --- The plan's page --------------------------------------------------------------------------------------
def test_the_plan_page_offers_only_the_businesss_own_library(as_owner, org, library):
    plan = PlanFactory(organization=org)
    foreign = ProgramFactory(organization=OrganizationFactory(), name="Someone else's program", is_template=True)
    page = as_owner.get(reverse("billing:plan_edit", args=[plan.pk])).content.decode()
    assert "What it grants" in page
    assert library["program"].name in page and "Spring cohort" in page
    assert foreign.name not in page


def test_saving_what_a_plan_grants_from_its_page(as_owner, org, library):
    plan = PlanFactory(organization=org)
    response = as_owner.post(
        reverse("billing:plan_access", args=[plan.pk]),
        {
            "programs": [library["program"].pk],
            "groups": [library["group"].pk],
            "sections": ["nutrition"],
            "program_start": "next_monday",
            "withdrawal": "grace",
            "grace_days": "14",
        },
    )
    assert response.status_code == 302
    assert sorted(PlanGrant.objects.values_list("kind", flat=True)) == ["group", "program", "section"]
    rule = services.plan_access_rule(plan)
    assert (rule.withdrawal, rule.grace_days, rule.program_start) == ("grace", 14, "next_monday")


@pytest.mark.parametrize(
    "data, field_error",
    [
        ({"grace_days": "366"}, "365"),
        ({"grace_days": "-1"}, "0"),
        ({"program_start": "fixed_date", "program_start_date": ""}, "Choose the date programs start on."),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(as_owner, org, library, data, field_error):
    plan = PlanFactory(organization=org)
    base = {"program_start": "on_purchase", "withdrawal": "grace", "grace_days": "3", "groups": [library["group"].pk]}
    response = as_owner.post(reverse("billing:plan_access", args=[plan.pk]), {**base, **data})
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode() and field_error in response.content.decode()
    assert not PlanGrant.objects.exists()


def test_a_program_of_another_business_is_refused_on_the_page(as_owner, org, library):
    plan = PlanFactory(organization=org)
    foreign = ProgramFactory(organization=OrganizationFactory(), is_template=True)
    response = as_owner.post(
        reverse("billing:plan_access", args=[plan.pk]),
        {"programs": [foreign.pk], "program_start": "on_purchase", "withdrawal": "immediately", "grace_days": "0"},
    )
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not PlanGrant.objects.exists()


def test_another_businesss_plan_is_not_found(as_owner):
    other = PlanFactory(organization=OrganizationFactory())
    assert as_owner.get(reverse("billing:plan_edit", args=[other.pk])).status_code == 404
    assert as_owner.post(reverse("billing:plan_access", args=[other.pk]), {}).status_code == 404


# --- The client's ledger ----------------------------------------------------------------------------------
def test_the_clients_billing_page_shows_their_access_ledger(as_owner, client_record, package):
    pay_package(client_record, package)
    page = as_owner.get(reverse("billing:invoices"), {"client": client_record.pk}).content.decode()
    assert "Access" in page and "Spring cohort" in page and "Paid in full" in page
    full = as_owner.get(reverse("billing:client_access", args=[client_record.pk]))
    assert full.status_code == 200 and "Spring cohort" in full.content.decode()


def test_the_ledger_page_costs_the_same_queries_at_10_and_100_rows(as_owner, org, client_record):
    url = reverse("billing:client_access", args=[client_record.pk])
    AccessGrantFactory.create_batch(10, organization=org, client=client_record)
    with CaptureQueriesContext(connection) as ten:
        as_owner.get(url)
    AccessGrantFactory.create_batch(90, organization=org, client=client_record)
    with CaptureQueriesContext(connection) as hundred:
        assert as_owner.get(url).status_code == 200
    assert len(hundred.captured_queries) <= len(ten.captured_queries)


# --- The portal -----------------------------------------------------------------------------------------
def test_the_client_sees_what_their_plan_includes(as_client, client_record, package):
    empty = as_client.get(reverse("billing:portal_access")).content.decode()
    assert "Nothing included yet" in empty
    pay_package(client_record, package)
    page = as_client.get(reverse("billing:portal_access")).content.decode()
    assert "Starter pack" in page and "Spring cohort" in page
    assert "Your plan includes" in as_client.get(reverse("portal:home")).content.decode()


def test_a_section_a_product_grants_is_visible_only_while_the_grant_is_live(as_client, client_record, package):
    nutrition = reverse("nutrition:portal")
    # The package grants the nutrition section: a client without it does not see it.
    assert as_client.get(nutrition).status_code == 404
    assert nutrition not in as_client.get(reverse("billing:portal")).content.decode()
    me = api_as(client_record.user).get("/api/v1/me/").data
    assert "nutrition" not in me["brand"]["features"] and "training" in me["brand"]["features"]

    invoice = pay_package(client_record, package)
    assert as_client.get(nutrition).status_code == 200
    assert nutrition in as_client.get(reverse("billing:portal")).content.decode()
    assert "nutrition" in api_as(client_record.user).get("/api/v1/me/").data["brand"]["features"]

    services.refund_payment(payment=invoice.payments.get())
    assert as_client.get(nutrition).status_code == 404


def test_sections_no_product_grants_are_untouched(client, org):
    user = UserFactory()
    ClientFactory(organization=org, user=user, email=user.email)
    client.force_login(user)
    assert client.get(reverse("nutrition:portal")).status_code == 200


# --- API --------------------------------------------------------------------------------------------------
def test_plan_grants_read_and_replace_through_the_api(owner_api, org, library):
    plan = PlanFactory(organization=org)
    url = f"/api/v1/billing/plans/{plan.pk}/grants/"
    assert owner_api.get(url).data["grants"] == []
    body = {
        "grants": [
            {"kind": "program", "target_id": str(library["program"].pk)},
            {"kind": "section", "target_id": "habits"},
        ],
        "withdrawal": "grace",
        "grace_days": 5,
    }
    response = owner_api.put(url, body, format="json")
    assert response.status_code == 200, response.data
    assert [g["kind"] for g in response.data["grants"]] == ["program", "section"]
    assert response.data["grants"][0]["label"] == library["program"].name
    assert response.data["grace_days"] == 5


def test_the_api_refuses_another_businesss_program_naming_the_field(owner_api, org):
    plan = PlanFactory(organization=org)
    foreign = ProgramFactory(organization=OrganizationFactory(), is_template=True)
    response = owner_api.put(
        f"/api/v1/billing/plans/{plan.pk}/grants/",
        {"grants": [{"kind": "program", "target_id": str(foreign.pk)}]},
        format="json",
    )
    assert response.status_code == 400 and "grants" in response.data["errors"]
    response = owner_api.put(
        f"/api/v1/billing/plans/{plan.pk}/grants/", {"grants": [], "grace_days": 400}, format="json"
    )
    assert response.status_code == 400 and "grace_days" in response.data["errors"]
    assert not PlanGrant.objects.exists()


def test_coaches_read_the_ledger_by_client(coach_api, org, client_record):
    mine = AccessGrantFactory(organization=org, client=client_record)
    AccessGrantFactory(organization=org)
    rows = coach_api.get("/api/v1/billing/access-grants/", {"client": client_record.pk}).data["results"]
    assert [r["public_id"] for r in rows] == [str(mine.public_id)]
    assert rows[0]["status"] == "live" and rows[0]["kind"] == "section"


def test_a_client_reads_only_their_own_live_access(org, client_record):
    mine = AccessGrantFactory(organization=org, client=client_record)
    AccessGrantFactory(organization=org, client=client_record, revoked_at=mine.granted_at)
    AccessGrantFactory(organization=org)
    rows = api_as(client_record.user).get("/api/v1/me/access/").data["results"]
    assert [r["public_id"] for r in rows] == [str(mine.public_id)]


def _count(api, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(url, {"page_size": 100}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/api/v1/billing/access-grants/", "/api/v1/me/access/"])
def test_access_lists_are_n_plus_one_free(org, client_record, coach, url, django_assert_max_num_queries):
    api = api_as(client_record.user if "/me/" in url else coach)
    AccessGrantFactory.create_batch(10, organization=org, client=client_record)
    at_ten = _count(api, url)
    AccessGrantFactory.create_batch(90, organization=org, client=client_record)
    with django_assert_max_num_queries(at_ten):
        rows = api.get(url, {"page_size": 100}).data["results"]
    assert len(rows) == 100
    assert AccessGrant.objects.count() == 100
