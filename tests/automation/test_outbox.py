"""The outbox: events recorded with the change, handled after commit, exactly once."""

import threading

import pytest
from django.db import connection, transaction

from mecto import events
from mecto.models import Event, EventDelivery
from mecto.tasks import dispatch_event, dispatch_pending_events
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorder():
    seen = []

    @events.subscribe("test.*", name="tests.recorder")
    def handler(event):
        seen.append(event.pk)

    yield seen
    events.unsubscribe("tests.recorder")


def test_committed_event_is_handled_once_after_commit(recorder, django_capture_on_commit_callbacks):
    org = OrganizationFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = events.emit(org, "test.happened", {"n": 1})
        assert recorder == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert recorder == [event.pk]
    event.refresh_from_db()
    assert event.dispatched_at is not None


def test_event_in_rolled_back_transaction_is_never_handled(recorder, django_capture_on_commit_callbacks):
    org = OrganizationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                events.emit(org, "test.happened", {})
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert recorder == []
    assert not Event.objects.filter(name="test.happened").exists()
    dispatch_pending_events()
    assert recorder == []


def test_fan_out_running_twice_handles_once(recorder):
    org = OrganizationFactory()
    event = events.emit(org, "test.twice", {})
    dispatch_event(event.pk)
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)  # as if the first run died before marking
    dispatch_event(event.pk)
    assert recorder == [event.pk]
    assert EventDelivery.objects.filter(event=event, handler__startswith="tests.").count() == 1


def test_failed_handler_is_retried_by_the_sweep_and_others_still_run(recorder):
    org = OrganizationFactory()
    calls = {"n": 0}

    @events.subscribe("test.*", name="tests.flaky")
    def flaky(event):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("downstream down")

    try:
        event = events.emit(org, "test.flaky", {})
        dispatch_event(event.pk)
        event.refresh_from_db()
        assert event.dispatched_at is None and event.attempts == 1 and "downstream down" in event.last_error
        assert recorder == [event.pk]
        Event.objects.filter(pk=event.pk).update(created_at=event.created_at.replace(year=2020))
        dispatch_pending_events()
        event.refresh_from_db()
        assert event.dispatched_at is not None and calls["n"] == 2
        assert recorder == [event.pk]  # the healthy handler was not run again
    finally:
        events.unsubscribe("tests.flaky")


def test_handlers_match_by_pattern(recorder):
    org = OrganizationFactory()
    dispatch_event(events.emit(org, "other.thing", {}).pk)
    assert recorder == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.engine
def test_concurrent_fan_out_from_two_connections_handles_once():
    org = OrganizationFactory()
    seen = []
    lock = threading.Lock()

    @events.subscribe("race.*", name="tests.race")
    def handler(event):
        with lock:
            seen.append(event.pk)

    try:
        event = events.emit(org, "race.start", {})
        barrier = threading.Barrier(4)

        def run():
            barrier.wait()
            try:
                events.dispatch(event.pk)
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        events.unsubscribe("tests.race")
    assert seen == [event.pk]
    assert EventDelivery.objects.filter(event=event, handler__startswith="tests.").count() == 1
