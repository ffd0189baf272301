"""Run one function in many threads released at the same moment, for the tests of races."""

import threading

from django.db import connections


def in_threads(target, count: int) -> list[Exception]:
    """Run `target(i)` for i in 0..count-1 in threads that start together (a barrier); returns
    the exceptions they raised, so a failure inside a thread fails the test that asks."""
    barrier = threading.Barrier(count)
    errors = []

    def run(i):
        try:
            barrier.wait(timeout=10)
            target(i)
        except Exception as exc:  # handed to the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors
