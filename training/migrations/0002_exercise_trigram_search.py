"""Typo-tolerant search on PostgreSQL: pg_trgm and a trigram GIN index on the search text.

On other databases (SQLite) this migration does nothing; search ranks in Python there.
"""

from django.db import migrations

INDEX = "training_exercise_search_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON training_exercise USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other apps may use it, and dropping it is not ours to decide.
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("training", "0001_exercise_library")]

    operations = [migrations.RunPython(forwards, backwards)]
