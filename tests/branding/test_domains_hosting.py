"""Serving a business on its custom domain: who sees what by Host, hosts and CSRF without a
restart, the TLS proxy's question, links in emails, and what resolution costs per request."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client as BrowserClient
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from branding import domains as services
from clients.models import Client
from integrations import services_tokens
from mecto import domains
from mecto.domains import HostList
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory, UserFactory

from . import domain_helpers
from .domain_helpers import verified

hosts, fake_dns = domain_helpers.hosts, domain_helpers.fake_dns  # fixtures

pytestmark = pytest.mark.django_db
HOST = "coach.example.com"


@pytest.fixture
def world(hosts, fake_dns, django_capture_on_commit_callbacks):
    """Business A on coach.example.com (verified), business B on the platform only."""

    class World:
        org_a = OrganizationFactory(slug="northside")
        org_b = OrganizationFactory(slug="southside")
        owner_a = MembershipFactory(organization=org_a, role="owner").user
        owner_b = MembershipFactory(organization=org_b, role="owner").user
        client_a = ClientFactory(organization=org_a, user=UserFactory())
        client_b = ClientFactory(organization=org_b, user=UserFactory())
        domain = verified(org_a, HOST, fake_dns, django_capture_on_commit_callbacks)

    ClientFactory(organization=World.org_b, first_name="Bea")  # a row of B to leak, if anything leaked
    return World


def browser(user=None, **kwargs) -> BrowserClient:
    client = BrowserClient(HTTP_HOST=HOST, **kwargs)
    if user is not None:
        client.force_login(user)
    return client


# --- Pages by Host -------------------------------------------------------------------------------------
def test_a_stranger_on_the_domain_lands_on_the_business_booking_page(world):
    response = browser().get("/")
    assert response.status_code == 302 and response["Location"] == "/book/northside/"
    page = browser().get("/book/northside/")
    assert page.status_code == 200
    # Another business's public page is not served under this business's name.
    assert browser().get("/book/southside/").status_code == 404


def test_the_back_office_and_the_platform_sign_up_stay_on_the_platform_host(world):
    assert browser().get("/admin/login/").status_code == 404
    assert browser().get("/account/signup/").status_code == 404
    assert BrowserClient().get("/account/signup/").status_code == 200


def test_signed_out_pages_on_the_domain_wear_the_business_name_alone(world):
    """The sign-in and password pages a client meets on the business's host: its name, no
    platform name, no sign-up link; the same page on the platform host keeps the platform's."""
    world.org_a.name = "Harbour Lift"
    world.org_a.save()
    for path in ("/account/login/", "/account/password/reset/"):
        html = browser().get(path).content.decode()
        assert "Harbour Lift" in html, path
        assert "Mecto" not in html and "/account/signup/" not in html, path
    assert "Mecto" in BrowserClient().get("/account/login/").content.decode()


def test_a_client_of_the_business_gets_the_portal_on_its_domain(world):
    client = browser(world.client_a.user)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].endswith("/portal/")
    assert client.get("/portal/").status_code == 200


def test_a_member_of_the_business_works_on_its_domain(world):
    client = browser(world.owner_a)
    assert client.get("/")["Location"].endswith("/dashboard/")
    assert client.get("/dashboard/").status_code == 200


def test_someone_of_another_business_is_signed_out_of_the_domain(world):
    for user in (world.client_b.user, world.owner_b):
        client = browser(user)
        response = client.get("/portal/")
        assert response.status_code == 302 and "/account/login/" in response["Location"]
        assert "_auth_user_id" not in client.session  # signed out on this host
        assert client.get("/dashboard/").status_code == 302
    # Their own business's address is untouched.
    platform = BrowserClient()
    platform.force_login(world.client_b.user)
    assert platform.get("/portal/").status_code == 200


def test_a_member_of_both_businesses_works_in_the_domain_s_business(world, client):
    MembershipFactory(organization=world.org_b, user=world.owner_a, role="owner")
    api = APIClient(HTTP_HOST=HOST)
    api.force_authenticate(world.owner_a)
    names = {
        row["first_name"]
        for row in api.get("/api/v1/clients/", HTTP_X_ORGANIZATION=str(world.org_b.pk)).data["results"]
    }
    assert "Bea" not in names and world.client_a.first_name in names


# --- The API by Host -----------------------------------------------------------------------------------
def test_the_api_on_the_domain_serves_its_business_only(world):
    api = APIClient(HTTP_HOST=HOST)
    api.force_authenticate(world.owner_a)
    ids = {row["id"] for row in api.get("/api/v1/clients/").data["results"]}
    assert ids == set(Client.objects.for_org(world.org_a).values_list("id", flat=True))
    intruder = APIClient(HTTP_HOST=HOST)
    intruder.force_authenticate(world.owner_b)
    response = intruder.get("/api/v1/clients/")
    assert response.status_code in (403, 404) and "results" not in response.data
    me = APIClient(HTTP_HOST=HOST)
    me.force_authenticate(world.client_b.user)
    assert me.get("/api/v1/me/bookings/").status_code in (403, 404)


def test_an_api_token_of_another_business_is_refused_on_the_domain(world):
    _token, secret = services_tokens.create_token(
        organization=world.org_b, actor=world.owner_b, name="b", scopes={"clients": "read"}
    )
    api = APIClient(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = api.get("/api/v1/clients/")
    assert response.status_code == 403 and "results" not in response.data
    on_platform = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert on_platform.get("/api/v1/clients/").status_code == 200


# --- Hosts and CSRF follow the verified domains, with no restart ------------------------------------
def test_an_unknown_or_unverified_host_is_refused(world):
    services.add_domain(organization=world.org_a, hostname="pending.example.com")
    assert BrowserClient(HTTP_HOST="pending.example.com").get("/book/northside/").status_code == 400
    assert BrowserClient(HTTP_HOST="evil.example.net").get("/").status_code == 400


def test_allowed_hosts_and_csrf_follow_verification_and_removal(
    hosts, fake_dns, django_capture_on_commit_callbacks, settings
):
    org = OrganizationFactory(slug="eastside")
    assert BrowserClient(HTTP_HOST="east.example.com").get("/book/eastside/").status_code == 400
    domain = verified(org, "east.example.com", fake_dns, django_capture_on_commit_callbacks)
    assert settings.ALLOWED_HOSTS is hosts and "east.example.com" in settings.ALLOWED_HOSTS
    browser_ = BrowserClient(enforce_csrf_checks=True, HTTP_HOST="east.example.com")
    assert browser_.get("/book/eastside/", secure=True).status_code == 200
    login = browser_.get("/account/login/", secure=True)
    token = login.cookies["csrftoken"].value if "csrftoken" in login.cookies else browser_.cookies["csrftoken"].value
    data = {"login": "nobody@example.com", "password": "wrong-password", "csrfmiddlewaretoken": token}
    posted = browser_.post("/account/login/", data, secure=True, HTTP_ORIGIN="https://east.example.com")
    assert posted.status_code == 200  # the form's own answer (wrong password), not the CSRF 403
    # A page of another host may not post here, custom domain or not.
    other = verified(OrganizationFactory(), "west.example.com", fake_dns, django_capture_on_commit_callbacks)
    cross = browser_.post("/account/login/", data, secure=True, HTTP_ORIGIN=f"https://{other.hostname}")
    assert cross.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_domain(domain=domain)
    assert "east.example.com" not in settings.ALLOWED_HOSTS
    assert browser_.get("/book/eastside/", secure=True).status_code == 400
    assert browser_.post("/account/login/", data, secure=True, HTTP_ORIGIN="https://east.example.com").status_code in (
        400,
        403,
    )


def test_the_settings_build_allowed_hosts_that_follow_the_domains():
    from mecto.settings import base

    assert isinstance(base.ALLOWED_HOSTS, HostList) and "localhost" in base.ALLOWED_HOSTS.static


def test_another_process_sees_a_change_through_the_shared_cache(world, django_capture_on_commit_callbacks):
    domains._forget_local()  # as if another process: only the shared cache is common
    assert domains.hosted(HOST) is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_domain(domain=world.domain)
    domains._local["table"], domains._local["at"] = None, 0.0
    assert domains.hosted(HOST) is None


# --- The TLS proxy's question -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "status"),
    [
        (f"?domain={HOST}", 200),
        (f"?domain={HOST.upper()}.", 200),
        ("?domain=pending.example.com", 404),
        ("?domain=unknown.example.org", 404),
        ("?domain=app.mecto.example", 404),
        ("?domain=", 404),
        ("", 404),
        ("?domain=" + "a" * 5000, 404),
        ("?domain=%00%ff", 404),
    ],
)
def test_the_tls_ask_endpoint_says_yes_only_for_verified_domains(world, query, status):
    services.add_domain(organization=world.org_a, hostname="pending.example.com")
    response = BrowserClient(HTTP_HOST="localhost").get("/_domains/check" + query)
    assert response.status_code == status


def test_the_tls_ask_endpoint_costs_no_query_once_warm(world, django_assert_num_queries):
    client = BrowserClient(HTTP_HOST="localhost")
    client.get(f"/_domains/check?domain={HOST}")
    with django_assert_num_queries(0):
        assert client.get(f"/_domains/check?domain={HOST}").status_code == 200


# --- Resolution cost ---------------------------------------------------------------------------------
def test_resolving_the_host_adds_no_query_per_request_after_warm_up(world):
    on_domain, on_platform = browser(), BrowserClient()
    on_domain.get("/book/northside/")  # warm-up: the host table is read once
    on_platform.get("/book/northside/")
    with CaptureQueriesContext(connection) as platform_queries:
        assert on_platform.get("/book/northside/").status_code == 200
    for _ in range(3):
        with CaptureQueriesContext(connection) as domain_queries:
            assert on_domain.get("/book/northside/").status_code == 200
        assert len(domain_queries) == len(platform_queries)


def test_a_signed_in_client_on_the_domain_costs_no_more_queries_than_on_the_platform(world):
    on_domain, on_platform = browser(world.client_a.user), BrowserClient()
    on_platform.force_login(world.client_a.user)
    on_domain.get("/portal/")
    on_platform.get("/portal/")
    with CaptureQueriesContext(connection) as platform_queries:
        on_platform.get("/portal/")
    with CaptureQueriesContext(connection) as domain_queries:
        assert on_domain.get("/portal/").status_code == 200
    assert len(domain_queries) == len(platform_queries)


# --- Links in emails ------------------------------------------------------------------------------------
def test_a_booking_confirmation_email_links_to_the_business_domain(world, django_capture_on_commit_callbacks):
    from booking.notifications import send_confirmation
    from tests.booking.factories import BookingFactory

    ours = BookingFactory(organization=world.org_a, client__email="ann@example.com")
    theirs = BookingFactory(organization=world.org_b, client__email="bob@example.com")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_confirmation(ours, key="domain-test-a")
        send_confirmation(theirs, key="domain-test-b")
    sent = {m.to[0]: m for m in mail.outbox}
    body_a, html_a = sent["ann@example.com"].body, sent["ann@example.com"].alternatives[0][0]
    assert f"https://{HOST}/book/manage/{ours.public_id}/" in body_a
    assert f"https://{HOST}/book/manage/{ours.public_id}/" in html_a
    assert "app.mecto.example/book/manage" not in body_a
    assert f"https://app.mecto.example/book/manage/{theirs.public_id}/" in sent["bob@example.com"].body
    # ...and the link works on that host.
    link = body_a.split(f"https://{HOST}", 1)[1].split()[0]
    assert browser().get(link).status_code == 200


def test_emails_get_the_business_site_url(world):
    from mecto.comms import outbox

    captured = {}

    def fake_render(name, ctx, using=None):
        captured.update(ctx)
        return ""

    import mecto.comms.outbox as module

    original = module.render_to_string
    module.render_to_string = fake_render
    try:
        outbox.render_email("booking_confirmed", {}, organization=world.org_a)
        assert captured["site_url"] == f"https://{HOST}"
        outbox.render_email("booking_confirmed", {}, organization=world.org_b)
        assert captured["site_url"] == "https://app.mecto.example"
    finally:
        module.render_to_string = original
