"""Heavy test data built once per test process (each xdist worker), not once per test.

The exercise library (873 exercises), the demo business (`seed_demo`) and the API fuzzing
world take seconds to build. A test asks for one by its fixture (`library`, `demo`, ...).
The first such test in a process builds the data inside a transaction that stays open;
every test then runs in a savepoint inside it (pytest-django's usual per-test transaction)
and is rolled back to that state afterwards, so each test starts from the same rows and
leaves nothing behind for the next.

A test that asks for none, and every transactional test (threads, live server), runs
after that transaction is rolled back: it sees the database exactly as it would without
this module. Tests are ordered so that those sharing data run next to each other, which
keeps it to about one build per process.

A data set may build on another (the demo business on the library); a test gets the data
set it asks for with everything below it, and may not ask for two that do not stack.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest

# The demo business is built at this moment (a Wednesday in November, GMT in London), and
# the tests that look at it freeze time at the same moment.
DEMO_NOW = "2026-11-25 12:00"


@dataclass(frozen=True)
class Dataset:
    name: str
    build: Callable[[], object]
    requires: str | None = None


DATASETS: dict[str, Dataset] = {}


def dataset(name: str, *, requires: str | None = None):
    """Register `build` (no arguments; returns what the fixture hands to tests) as data set `name`."""

    def register(build):
        DATASETS[name] = Dataset(name, build, requires)
        return build

    return register


@dataset("library")
def _build_library() -> None:
    from training.services import load_exercise_library

    load_exercise_library()


@dataset("foods")
def _build_foods() -> None:
    from nutrition.services.foods import load_food_database

    load_food_database()


@dataset("demo", requires="library")
def _build_demo() -> None:
    from django.core.management import call_command
    from freezegun import freeze_time

    with freeze_time(DEMO_NOW):
        call_command("seed_demo", force=True, stdout=io.StringIO())


def chain(name: str) -> tuple[str, ...]:
    """`name` with the data sets it builds on, lowest first."""
    requires = DATASETS[name].requires
    return (*chain(requires), name) if requires else (name,)


def wanted_by(item: pytest.Item) -> tuple[str, ...]:
    """The data sets `item` asks for (directly or through its fixtures), lowest first."""
    names = set(getattr(item, "fixturenames", ()))
    chains = sorted((chain(name) for name in DATASETS if name in names), key=len)
    if not chains:
        return ()
    deepest = chains[-1]
    for other in chains:
        if deepest[: len(other)] != other:
            raise pytest.UsageError(f"{item.nodeid} asks for data sets that do not stack: {other} and {deepest}")
    return deepest


def is_transactional(item: pytest.Item) -> bool:
    """As pytest-django decides: no per-test transaction to roll back (threads, live server)."""
    names = getattr(item, "fixturenames", ())
    if "transactional_db" in names or "live_server" in names:
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))


def _uses_db(item: pytest.Item) -> bool:
    return bool(item.get_closest_marker("django_db")) or "db" in getattr(item, "fixturenames", ())


def sort_key(item: pytest.Item) -> tuple:
    """pytest-django's order (per-test transaction, then transactional, then no database), and
    within the first group the tests that share a data set next to each other."""
    if is_transactional(item):
        return (1, ())
    if not _uses_db(item):
        return (2, ())
    return (0, wanted_by(item))


class SharedData:
    """The data sets currently built, each in its own (nested) transaction left open."""

    def __init__(self) -> None:
        self.open: list[tuple[str, object, object]] = []  # (name, atomic block, value)

    @property
    def built(self) -> tuple[str, ...]:
        return tuple(name for name, _atomic, _value in self.open)

    def value(self, name: str):
        return next(value for built, _atomic, value in self.open if built == name)

    def switch(self, wanted: tuple[str, ...]) -> None:
        """Roll back the data sets `wanted` does not start with, then build what is missing."""
        from django.db import transaction

        keep = 0
        while keep < min(len(self.open), len(wanted)) and self.open[keep][0] == wanted[keep]:
            keep += 1
        while len(self.open) > keep:
            _name, atomic, _value = self.open.pop()
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
        for name in wanted[keep:]:
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                value = DATASETS[name].build()
            except BaseException as exc:
                atomic.__exit__(type(exc), exc, exc.__traceback__)
                raise
            self.open.append((name, atomic, value))


shared = SharedData()


def prepare(request: pytest.FixtureRequest) -> None:
    """Before a test's database transaction starts: have exactly the data sets it asks for."""
    item = request.node
    wanted = () if is_transactional(item) else wanted_by(item)
    if shared.built == wanted:
        return
    blocker = request.getfixturevalue("django_db_blocker")
    request.getfixturevalue("_shared_data_teardown")
    with blocker.unblock():
        shared.switch(wanted)


def teardown(blocker) -> None:
    with blocker.unblock():
        shared.switch(())


def ensure(name: str):
    """Inside a test: data set `name` is there; returns its value. It was built before the
    test's transaction began, unless the test is transactional (or asked for it through
    `request.getfixturevalue`): then it is built now, inside the test."""
    if name in shared.built:
        return shared.value(name)
    value = None
    for needed in chain(name):
        if needed not in shared.built:
            value = DATASETS[needed].build()
    return value
