"""Conversations get a public id: client-facing pages never address a row by its sequence number."""

import uuid

from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    Thread = apps.get_model("clients", "Thread")
    for thread in Thread.objects.filter(public_id__isnull=True).only("pk").iterator():
        Thread.objects.filter(pk=thread.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("clients", "0010_client_imports")]

    operations = [
        migrations.AddField(model_name="thread", name="public_id", field=models.UUIDField(null=True, editable=False)),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="thread",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
    ]
