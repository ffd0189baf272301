"""A class's places under real concurrency: every attempt in its own thread and connection.

On PostgreSQL the class's lock decides and its waiters queue in order of arrival; on SQLite
the write lock does."""

import threading
import time as time_module
from datetime import date

import pytest
from django.db import close_old_connections, connection
from freezegun import freeze_time

from booking import services
from booking.models import Booking, Session, WaitlistEntry
from booking.services.classes import CLASS_LOCK_SPACE
from tests.factories import ClientFactory

from .conftest import Studio
from .factories import ServiceTypeFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.engine,
    pytest.mark.xdist_group("races"),
]
ATTEMPTS, PLACES = 30, 10
STAGGER = 0.05  # seconds between arrivals of the cancellations


def staggered(func, args_list) -> tuple[list, list]:
    """Run func(*args) for each args in its own thread: released together, the i-th arriving
    i × STAGGER seconds after the first, each on an open connection of its own."""
    barrier = threading.Barrier(len(args_list))
    results, errors, lock = [], [], threading.Lock()

    def run(index, args):
        close_old_connections()
        connection.ensure_connection()
        try:
            barrier.wait(timeout=30)
            time_module.sleep(index * STAGGER)
            value = func(*args)
            with lock:
                results.append(value)
        except Exception as exc:  # anything is a failure the test must show
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(args_list)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    return results, errors


def _waiting_on(session) -> int:
    """Connections holding or queued for the class's lock (PostgreSQL's lock table)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s",
            [CLASS_LOCK_SPACE, session.pk % 2**31],
        )
        return cursor.fetchone()[0]


def in_arrival_order(func, args_list, session) -> tuple[list, list]:
    """Run func(*args) for each args in its own thread, the i-th released only once the one
    before has reached the class's lock (queued or done): many wait together, yet the order
    they arrived in is known. (SQLite has no lock queue to see: there each waits for the last.)"""
    results, errors, lock = [], [], threading.Lock()
    go = [threading.Event() for _ in args_list]
    done = [threading.Event() for _ in args_list]

    def run(index, args):
        close_old_connections()
        connection.ensure_connection()
        try:
            go[index].wait(timeout=60)
            value = func(*args)
            with lock:
                results.append(value)
        except Exception as exc:  # anything is a failure the test must show
            with lock:
                errors.append(exc)
        finally:
            done[index].set()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(args_list)]
    for t in threads:
        t.start()
    for index in range(len(args_list)):
        go[index].set()
        deadline = time_module.monotonic() + 30
        while time_module.monotonic() < deadline:
            finished = sum(1 for event in done[: index + 1] if event.is_set())
            if done[index].is_set() or finished + _waiting_on(session) >= index + 1:
                break
            time_module.sleep(0.002)
    for t in threads:
        t.join(timeout=180)
    return results, errors


@freeze_time("2026-06-01 06:00", tick=True)
def test_thirty_concurrent_bookings_of_a_ten_place_class_make_ten_bookings_and_a_waitlist_in_arrival_order():
    studio = Studio()
    service = ServiceTypeFactory(organization=studio.org, coaches=[studio.coach], capacity=12)
    group_class = services.save_group_class(
        organization=studio.org,
        service=service,
        coach=studio.coach,
        capacity=PLACES,
        weekly_times=[{"weekday": 1, "start_time": "07:00"}],
        starts_on=date(2026, 6, 1),
    )
    session = Session.objects.filter(group_class=group_class).order_by("start_at").first()
    clients = [ClientFactory(organization=studio.org) for _ in range(ATTEMPTS)]

    def book(client):
        return services.book_class(session=session, client=client, join_waitlist=True)

    results, errors = in_arrival_order(book, [(c,) for c in clients], session)
    assert errors == []
    assert len(results) == ATTEMPTS
    bookings = Booking.objects.filter(session=session).exclude(status="cancelled")
    assert bookings.count() == PLACES
    assert sorted(bookings.values_list("seat", flat=True)) == list(range(1, PLACES + 1))
    assert set(bookings.values_list("client_id", flat=True)) == {c.pk for c in clients[:PLACES]}
    queue = list(WaitlistEntry.objects.filter(session=session).order_by("sequence"))
    assert [e.client_id for e in queue] == [c.pk for c in clients[PLACES:]]
    assert [e.sequence for e in queue] == list(range(1, ATTEMPTS - PLACES + 1))
    assert all(e.status == "waiting" for e in queue)


@freeze_time("2026-06-01 06:00", tick=True)
def test_concurrent_cancellations_offer_each_freed_place_once():
    studio = Studio()
    service = ServiceTypeFactory(organization=studio.org, coaches=[studio.coach], capacity=12)
    group_class = services.save_group_class(
        organization=studio.org,
        service=service,
        coach=studio.coach,
        capacity=5,
        weekly_times=[{"weekday": 1, "start_time": "07:00"}],
        starts_on=date(2026, 6, 1),
    )
    session = Session.objects.filter(group_class=group_class).order_by("start_at").first()
    clients = [ClientFactory(organization=studio.org) for _ in range(10)]
    bookings = [services.book_class(session=session, client=c, join_waitlist=True) for c in clients]
    booked = [b for b in bookings if isinstance(b, Booking)]

    def cancel(booking):
        return services.cancel_booking(booking=booking, by=Booking.CancelledBy.CLIENT)

    _results, errors = staggered(cancel, [(b,) for b in booked[:3]])
    assert errors == []
    offered = WaitlistEntry.objects.filter(session=session, status="offered").order_by("sequence")
    assert [e.client_id for e in offered] == [c.pk for c in clients[5:8]]
