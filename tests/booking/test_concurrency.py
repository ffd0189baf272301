"""No double booking and no negative credit balance, with real concurrent connections.

Each attempt runs in its own thread, so on its own database connection; a barrier
releases them together. On PostgreSQL the coach's row lock and the constraints decide;
on SQLite the write lock does."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import close_old_connections, connection
from freezegun import freeze_time

from booking import selectors, services
from booking.models import Booking, CreditEntry, Session
from booking.services import BookingError
from clients.models import Client
from tests.factories import ClientFactory

from .conftest import Studio
from .factories import ServiceTypeFactory

# One worker runs every race, one after another: 50 threads each hold a connection.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.engine,
    pytest.mark.xdist_group("races"),
]
ATTEMPTS = 50
SLOT = datetime(2026, 6, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def race(func, args_list) -> tuple[list, list]:
    """Run func(*args) for each args in parallel threads, released together."""
    barrier = threading.Barrier(len(args_list))
    results, errors, lock = [], [], threading.Lock()

    def run(args):
        close_old_connections()
        try:
            barrier.wait(timeout=30)
            value = func(*args)
            with lock:
                results.append(value)
        except BookingError as exc:
            with lock:
                errors.append(exc)
        except Exception as exc:  # anything else is a bug the test must show
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


@freeze_time("2026-06-01 06:00", tick=True)
def test_fifty_concurrent_attempts_at_one_slot_make_exactly_one_booking():
    studio = Studio()
    clients = [ClientFactory(organization=studio.org) for _ in range(ATTEMPTS)]

    def book(client):
        return services.book_session(
            service=studio.service, coach=studio.coach, client=client, start_at=SLOT, source=Booking.Source.APP
        )

    results, errors = race(book, [(c,) for c in clients])
    assert len(results) == 1, errors[:3]
    assert len(errors) == ATTEMPTS - 1 and all(isinstance(e, BookingError) for e in errors), errors[:3]
    assert Booking.objects.count() == 1 and Session.objects.count() == 1


@freeze_time("2026-06-01 06:00", tick=True)
def test_group_class_never_exceeds_its_capacity_under_concurrency():
    studio = Studio()
    group = ServiceTypeFactory(organization=studio.org, coaches=[studio.coach], capacity=5)
    clients = [ClientFactory(organization=studio.org) for _ in range(ATTEMPTS)]

    def book(client):
        return services.book_session(
            service=group, coach=studio.coach, client=client, start_at=SLOT, source=Booking.Source.APP
        )

    results, errors = race(book, [(c,) for c in clients])
    assert len(results) == 5, errors[:3]
    assert all(isinstance(e, BookingError) for e in errors), errors[:3]
    assert Session.objects.count() == 1
    assert sorted(Booking.objects.values_list("seat", flat=True)) == [1, 2, 3, 4, 5]


@freeze_time("2026-06-01 06:00", tick=True)
def test_credit_balance_never_goes_negative_under_concurrency():
    studio = Studio()
    client = ClientFactory(organization=studio.org)
    services.grant_credits(client=client, quantity=3, source_ref="pkg:race")

    def consume(n):
        return services.consume_credit(client=Client.objects.get(pk=client.pk), reference=f"race:{n}")

    results, errors = race(consume, [(n,) for n in range(30)])
    assert len(results) == 3 and all(isinstance(e, BookingError) for e in errors), errors[:3]
    assert selectors.credit_balance(client=client) == 0
    assert CreditEntry.objects.filter(kind="consume").count() == 3


@freeze_time("2026-06-01 06:00", tick=True)
def test_concurrent_credit_bookings_of_one_client_stop_at_their_balance():
    studio = Studio()
    credit = ServiceTypeFactory(organization=studio.org, coaches=[studio.coach], payment_requirement="credit")
    client = ClientFactory(organization=studio.org)
    services.grant_credits(client=client, quantity=2, source_ref="pkg:race2")
    starts = [SLOT + timedelta(hours=h) for h in range(6)]

    def book(start):
        return services.book_session(
            service=credit, coach=studio.coach, client=client, start_at=start, source=Booking.Source.APP
        )

    results, errors = race(book, [(s,) for s in starts])
    assert len(results) == 2, errors[:3]
    assert selectors.credit_balance(client=client) == 0
    assert Booking.objects.count() == 2  # failed attempts rolled back their sessions too
    assert Session.objects.count() == 2


def test_reminders_go_once_when_several_workers_run_at_the_same_moment():
    from django.core import mail

    from mecto.comms.models import OutboundMessage

    from .factories import BookingPolicyFactory

    with freeze_time("2026-06-01 06:00"):
        studio = Studio()
        BookingPolicyFactory(organization=studio.org, reminder_offsets_minutes=[180])
        bookings = [
            services.book_session(
                service=studio.service,
                coach=studio.coach,
                client=ClientFactory(organization=studio.org, email=f"r{n}@example.com"),
                start_at=SLOT + timedelta(hours=n),
            )
            for n in range(3)
        ]
    mail.outbox = []
    with freeze_time("2026-06-02 08:30", tick=True):  # inside three hours of all three sessions
        results, errors = race(lambda: services.send_due_reminders(), [() for _ in range(8)])
    assert not errors, errors[:3]
    assert sum(results) == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["r0@example.com", "r1@example.com", "r2@example.com"]
    assert OutboundMessage.objects.filter(topic="reminders", status="sent").count() == len(bookings)
