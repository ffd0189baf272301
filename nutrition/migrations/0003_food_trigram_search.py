"""Typo-tolerant food search on PostgreSQL: pg_trgm and a trigram GIN index on the search text.

On other databases (SQLite) this migration does nothing; search corrects words in Python there.
"""

from django.db import migrations

INDEX = "nutrition_food_search_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON nutrition_food USING gin (search_text gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other apps use it too.
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("nutrition", "0002_habits")]

    operations = [migrations.RunPython(forwards, backwards)]
