"""The back office's support page of one client (360): reachable from every client row, it
shows the profile, bookings, invoices, payments, messages and consent that every app adds
through the platform's section registry, for that client only and in bounded queries."""

import pytest
from django.urls import reverse

from billing import services as billing_services
from mecto import comms
from mecto.comms.models import Suppression
from tests.billing.factories import InvoiceFactory
from tests.booking.factories import BookingFactory
from tests.factories import ClientFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _chloe_with_history():
    org = OrganizationFactory(name="Northside Strength")
    chloe = ClientFactory(organization=org, first_name="Chloe", last_name="Client", email="chloe@example.com")
    invoice = InvoiceFactory(organization=org, client=chloe, total_minor=4500, subtotal_minor=4500)
    billing_services.record_payment(
        invoice=invoice, amount_minor=4500, method="stripe", stripe_charge_id="ch_3Chloe", send_receipt=False
    )
    BookingFactory(organization=org, client=chloe, session__service__name="PT session")
    comms.queue_email(
        organization=org,
        to=chloe.email,
        topic="billing",
        key="support-test",
        subject="Hello",
        text="Hi",
        client_id=chloe.pk,
    )
    comms.record_consent(
        organization=org, channel="email", address=chloe.email, granted=True, method="signed form", client_id=chloe.pk
    )
    Suppression.objects.create(organization=None, channel="email", address="chloe@example.com", reason="bounce")
    return org, chloe, invoice


def test_every_client_row_links_to_the_support_page(staff):
    _org, chloe, _invoice = _chloe_with_history()
    url = reverse("admin:clients_client_360", args=[chloe.pk])
    assert url in staff.get(reverse("admin:clients_client_changelist")).content.decode()
    assert url in staff.get(reverse("admin:clients_client_change", args=[chloe.pk])).content.decode()
    assert url in staff.get(reverse("admin:billing_payment_changelist")).content.decode()


def test_support_page_shows_the_whole_story_of_one_client(staff, django_assert_max_num_queries):
    org, chloe, invoice = _chloe_with_history()
    stranger = ClientFactory(organization=org, first_name="Sam", email="sam@example.com")
    comms.queue_email(
        organization=org,
        to=stranger.email,
        topic="billing",
        key="other",
        subject="Not hers",
        text="x",
        client_id=stranger.pk,
    )
    with django_assert_max_num_queries(40):
        page = staff.get(reverse("admin:clients_client_360", args=[chloe.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for expected in (
        "Profile",
        "chloe@example.com",
        "Northside Strength",
        "Bookings",
        "PT session",
        "Invoices",
        invoice.number,
        "£45.00",
        "Payments",
        "ch_3Chloe",
        "Messages",
        "Hello",
        "Consent",
        "signed form",
        "Suppressed",
    ):
        assert expected in text, expected
    assert "Not hers" not in text


def test_support_page_query_count_does_not_grow_with_history(staff, django_assert_max_num_queries):
    org, chloe, _invoice = _chloe_with_history()
    url = reverse("admin:clients_client_360", args=[chloe.pk])
    staff.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        staff.get(url)
    for n in range(10):
        InvoiceFactory(organization=org, client=chloe)
        BookingFactory(organization=org, client=chloe)
        comms.queue_email(
            organization=org, to=chloe.email, topic="billing", key=f"k{n}", subject="s", text="t", client_id=chloe.pk
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff.get(url)


def test_support_page_of_an_unknown_client_is_404(staff):
    assert staff.get(reverse("admin:clients_client_360", args=[999999])).status_code == 404
