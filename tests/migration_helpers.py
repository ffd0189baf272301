"""Migration tests work in an empty database of their own.

The test database stays at the latest schema; a migration test points the default connection
at a fresh database, migrates it forward to the state it needs, and drops it afterwards. That
is much cheaper than unapplying half the project's migrations in the shared test database and
applying them all again, and no other test ever sees a half-migrated schema."""

import uuid
from contextlib import contextmanager
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@contextmanager
def empty_database():
    settings = connection.settings_dict
    original = settings["NAME"]
    sqlite = connection.vendor == "sqlite"
    suffix = uuid.uuid4().hex[:8]
    connection.close()
    if sqlite:
        name = str(Path(original).with_name(f"{Path(original).stem}-migrations-{suffix}.sqlite3"))
    else:
        name = f"{original[:40]}_migrations_{suffix}"
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    settings["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        settings["NAME"] = original
        ContentType.objects.clear_cache()  # its ids were the other database's
        if sqlite:
            for extra in ("", "-wal", "-shm", "-journal"):
                Path(name + extra).unlink(missing_ok=True)
        else:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(targets):
    """Migrate the connection's database to `targets`; the historical models there."""
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
