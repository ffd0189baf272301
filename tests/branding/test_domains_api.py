"""Custom domains through the API, the settings page and the back office."""

import pytest
from django.contrib.admin.sites import site as admin_site
from django.urls import reverse
from rest_framework.test import APIClient

from branding import domains as services
from branding.models import CustomDomain
from integrations import services_tokens
from integrations.authentication import resource_of
from tests.factories import CustomDomainFactory, MembershipFactory, OrganizationFactory, UserFactory

from . import domain_helpers
from .domain_helpers import verified

hosts, fake_dns = domain_helpers.hosts, domain_helpers.fake_dns  # fixtures

pytestmark = pytest.mark.django_db
URL = "/api/v1/domains/"


@pytest.fixture
def owner(hosts):
    return MembershipFactory(organization=OrganizationFactory(), role="owner")


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


# --- API ---------------------------------------------------------------------------------------------
def test_an_owner_adds_verifies_makes_primary_and_removes_a_domain(owner, fake_dns, django_capture_on_commit_callbacks):
    api = _api(owner.user)
    response = api.post(URL, {"hostname": "Coach.Example.com."}, format="json")
    assert response.status_code == 201, response.data
    body = response.data
    assert body["hostname"] == "coach.example.com" and body["is_verified"] is False and body["is_primary"] is True
    assert body["dns_records"][1] == {
        "type": "TXT",
        "name": "_mecto-verify.coach.example.com",
        "value": body["verification_token"],
    }
    pk = body["id"]
    response = api.post(f"{URL}{pk}/verify/")
    assert response.status_code == 200 and response.data["is_verified"] is False
    assert "No TXT record" in response.data["check_error"]
    fake_dns.publish(CustomDomain.objects.get(pk=pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{URL}{pk}/verify/")
    assert response.data["is_verified"] is True and response.data["verified_at"]
    second = api.post(URL, {"hostname": "www.example.com"}, format="json").data
    assert api.post(f"{URL}{second['id']}/primary/").status_code == 400  # not verified yet
    listed = api.get(URL).data
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["hostname"] for r in rows] == ["coach.example.com", "www.example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"{URL}{pk}/").status_code == 204
    assert not CustomDomain.objects.filter(pk=pk).exists()


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"hostname": ""},
        {"hostname": "*.example.com"},
        {"hostname": "10.0.0.1"},
        {"hostname": "a" * 400},
        {"hostname": ["x"]},
        {"hostname": "localhost"},
        {"hostname": "app.mecto.example"},
        {"hostname": "bad_name.com"},
    ],
)
def test_bad_host_names_are_a_400_naming_the_field(owner, payload):
    response = _api(owner.user).post(URL, payload, format="json")
    assert response.status_code == 400 and "hostname" in response.data["errors"], response.data
    assert not CustomDomain.objects.exists()


def test_members_read_and_only_owners_write(owner, hosts):
    coach = MembershipFactory(organization=owner.organization, role="coach").user
    domain = CustomDomainFactory(organization=owner.organization, is_primary=True)
    api = _api(coach)
    assert api.get(URL).status_code == 200
    assert api.post(URL, {"hostname": "coach.example.com"}, format="json").status_code == 403
    assert api.post(f"{URL}{domain.pk}/verify/").status_code == 403
    assert api.delete(f"{URL}{domain.pk}/").status_code == 403
    assert CustomDomain.objects.filter(pk=domain.pk).exists()
    client_user = UserFactory()
    from tests.factories import ClientFactory

    ClientFactory(organization=owner.organization, user=client_user)
    assert _api(client_user).get(URL).status_code == 403


def test_another_business_cannot_see_or_touch_a_domain(owner, hosts):
    domain = CustomDomainFactory(organization=owner.organization, is_primary=True)
    intruder = _api(MembershipFactory(organization=OrganizationFactory(), role="owner").user)
    listed = intruder.get(URL).data
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows == []
    for method, path in [
        ("get", f"{URL}{domain.pk}/"),
        ("post", f"{URL}{domain.pk}/verify/"),
        ("post", f"{URL}{domain.pk}/primary/"),
        ("delete", f"{URL}{domain.pk}/"),
    ]:
        assert getattr(intruder, method)(path).status_code == 404
    assert CustomDomain.objects.filter(pk=domain.pk).exists()


def test_api_tokens_cannot_use_the_domains_routes(owner):
    from rest_framework.routers import SimpleRouter  # noqa: F401

    from branding.api_domains import CustomDomainViewSet

    assert resource_of(CustomDomainViewSet()) is None
    _token, secret = services_tokens.create_token(
        organization=owner.organization,
        actor=owner.user,
        name="all",
        scopes=dict.fromkeys(
            ["clients", "training", "booking", "billing", "nutrition", "marketing", "webhooks"], "write"
        ),
    )
    api = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(URL).status_code == 403
    assert api.post(URL, {"hostname": "coach.example.com"}, format="json").status_code == 403
    assert not CustomDomain.objects.exists()


def test_the_list_costs_the_same_queries_for_one_domain_or_five(owner, django_assert_max_num_queries):
    api = _api(owner.user)
    CustomDomainFactory(organization=owner.organization, is_primary=True)
    api.get(URL)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        api.get(URL)
    for _ in range(4):
        CustomDomainFactory(organization=owner.organization)
    with django_assert_max_num_queries(len(one)):
        assert len(api.get(URL).data["results"]) == 5


def test_the_schema_describes_the_domains_routes():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert {"/api/v1/domains/", "/api/v1/domains/{id}/", "/api/v1/domains/{id}/verify/"} <= set(paths)
    create = paths["/api/v1/domains/"]["post"]
    assert "400" in create["responses"] and "201" in create["responses"]
    assert "requestBody" in create


# --- The settings page --------------------------------------------------------------------------------
def test_the_settings_page_shows_the_empty_state_and_adds_a_domain(owner, client):
    client.force_login(owner.user)
    page = client.get(reverse("domains:settings"))
    assert page.status_code == 200 and b"No custom domains yet" in page.content
    response = client.post(reverse("domains:settings"), {"hostname": "coach.example.com"})
    assert response.status_code == 302
    page = client.get(reverse("domains:settings"))
    domain = CustomDomain.objects.get()
    assert domain.verification_token.encode() in page.content
    assert b"_mecto-verify.coach.example.com" in page.content and b"app.mecto.example" in page.content
    assert b"Waiting for DNS" in page.content


def test_the_settings_page_shows_errors_beside_the_field(owner, client):
    client.force_login(owner.user)
    response = client.post(reverse("domains:settings"), {"hostname": "*.example.com"})
    assert response.status_code == 400
    assert b'aria-invalid="true"' in response.content and b"Wildcards" in response.content
    assert b'value="*.example.com"' in response.content
    assert not CustomDomain.objects.exists()


def test_check_now_primary_and_remove_with_confirmation(owner, client, fake_dns, django_capture_on_commit_callbacks):
    client.force_login(owner.user)
    domain = services.add_domain(organization=owner.organization, hostname="coach.example.com")
    other = verified(owner.organization, "www.example.com", fake_dns, django_capture_on_commit_callbacks)
    response = client.post(reverse("domains:action", args=[domain.pk, "check"]), follow=True)
    assert b"No TXT record" in response.content
    fake_dns.publish(domain)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("domains:action", args=[domain.pk, "check"]), follow=True)
    assert b"coach.example.com is verified" in response.content
    client.post(reverse("domains:action", args=[other.pk, "primary"]))
    other.refresh_from_db()
    assert other.is_primary
    confirm = client.get(reverse("domains:action", args=[domain.pk, "remove"]))
    assert confirm.status_code == 200 and b"Remove coach.example.com?" in confirm.content
    assert CustomDomain.objects.filter(pk=domain.pk).exists()  # asking changes nothing
    client.post(reverse("domains:action", args=[domain.pk, "remove"]))
    assert not CustomDomain.objects.filter(pk=domain.pk).exists()


def test_the_settings_page_is_for_owners_of_the_business_only(owner, client):
    domain = CustomDomainFactory(organization=owner.organization, is_primary=True)
    coach = MembershipFactory(organization=owner.organization, role="coach").user
    client.force_login(coach)
    assert client.get(reverse("domains:settings")).status_code == 403
    assert client.post(reverse("domains:settings"), {"hostname": "coach.example.com"}).status_code == 403
    stranger = MembershipFactory(organization=OrganizationFactory(), role="owner").user
    client.force_login(stranger)
    assert client.post(reverse("domains:action", args=[domain.pk, "remove"])).status_code == 404
    assert client.get(reverse("domains:action", args=[domain.pk, "remove"])).status_code == 404
    assert CustomDomain.objects.filter(pk=domain.pk).exists()
    assert client.get("/settings/domains/1/explode/").status_code == 404


# --- Back office ----------------------------------------------------------------------------------------
def test_the_admin_lists_searches_and_checks_through_the_service(
    hosts, client, fake_dns, django_capture_on_commit_callbacks
):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    domain = CustomDomainFactory(hostname="coach.example.com", is_primary=True)
    changelist = reverse("admin:branding_customdomain_changelist")
    page = client.get(changelist, {"q": "coach.example"})
    assert page.status_code == 200 and b"coach.example.com" in page.content
    assert client.get(changelist, {"verified": "no"}).status_code == 200
    fake_dns.publish(domain)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "check_now", "_selected_action": [domain.pk]})
    domain.refresh_from_db()
    assert domain.verified_at is not None and domain.last_checked_at is not None
    model_admin = admin_site._registry[CustomDomain]
    assert "hostname" in model_admin.list_display and model_admin.search_fields and model_admin.list_filter
