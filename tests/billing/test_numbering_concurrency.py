"""Invoice numbers under concurrency: parallel connections issue invoices at once and the
numbers come out in sequence, without gaps or duplicates (SQLite file or PostgreSQL)."""

import pytest
from django.db import connection

from billing import services
from billing.models import CreditNote, Invoice
from billing.services import LineInput
from tests.factories import ClientFactory, OrganizationFactory
from tests.threads import in_threads

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine, pytest.mark.xdist_group("races")]
WORKERS = 8
EACH = 4


def _in_threads(target, count=WORKERS):
    return in_threads(target, count)


def test_concurrent_issues_take_consecutive_numbers():
    org = OrganizationFactory()
    clients = [ClientFactory(organization=org) for _ in range(WORKERS)]
    services.billing_settings(org)

    def issue(i):
        for n in range(EACH):
            services.create_invoice(
                client=clients[i],
                lines=[LineInput(description=f"Session {i}.{n}", unit_price_minor=1000 + i)],
                issue=True,
                send_email=False,
            )

    errors = _in_threads(issue)
    assert errors == []
    total = WORKERS * EACH
    sequences = sorted(Invoice.objects.filter(organization=org).values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    numbers = set(Invoice.objects.filter(organization=org).values_list("number", flat=True))
    assert numbers == {f"INV-{n:05d}" for n in range(1, total + 1)}
    assert services.billing_settings(org).next_invoice_number == total + 1


def test_concurrent_refunds_take_consecutive_credit_note_numbers():
    org = OrganizationFactory()
    client = ClientFactory(organization=org)
    payments = []
    for i in range(WORKERS):
        invoice = services.create_invoice(
            client=client, lines=[LineInput(description=f"S{i}", unit_price_minor=500)], issue=True, send_email=False
        )
        payments.append(services.record_payment(invoice=invoice, amount_minor=500, method="cash", send_receipt=False))

    errors = _in_threads(lambda i: services.refund_payment(payment=payments[i], amount_minor=100))
    assert errors == []
    sequences = sorted(CreditNote.objects.filter(organization=org).values_list("sequence", flat=True))
    assert sequences == list(range(1, WORKERS + 1))


def test_runs_on_the_configured_database():
    # The same tests run on SQLite (a file the threads share) and on PostgreSQL.
    assert connection.vendor in ("sqlite", "postgresql")
