"""Demo content for `manage.py seed_demo`: each app's `demo.py` registers a seeder.

    @demo_seeder(order=30)
    def seed_calendar(*, organization, coach, owner, clients, **context): ...

Seeders run in order after the demo business and its team exist, and must be idempotent
(running `make run` twice adds nothing). A seeder may return a dict: its entries join the
context of the seeders after it (clients' first seeder adds the demo `clients` by email).
"""

from collections.abc import Callable

from django.utils.module_loading import autodiscover_modules

_seeders: list[tuple[int, Callable]] = []
_removers: list[Callable] = []


def demo_seeder(order: int = 100):
    def decorator(func: Callable) -> Callable:
        if all(f is not func for _, f in _seeders):
            _seeders.append((order, func))
        return func

    return decorator


def run_demo_seeders(**context) -> dict:
    """Run every seeder in order; returns the context as the last seeder left it."""
    autodiscover_modules("demo")
    for _order, seeder in sorted(_seeders, key=lambda pair: pair[0]):
        added = seeder(**context)
        if isinstance(added, dict):
            context.update(added)
    return context


def register_demo_remover(func: Callable) -> Callable:
    """`func(*, organization, client_ids) -> int`: delete the app's rows about those demo
    clients that would outlive them (kept for the books, say); runs before the clients go."""
    if func not in _removers:
        _removers.append(func)
    return func


def demo_removers() -> list[Callable]:
    return list(_removers)
