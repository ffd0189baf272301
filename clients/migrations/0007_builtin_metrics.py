"""Give every existing business the built-in metrics (new businesses get them at sign-up)."""

from django.db import migrations


def create_builtin(apps, schema_editor):
    from clients.units import create_builtin_metrics

    Organization = apps.get_model("accounts", "Organization")
    Metric = apps.get_model("clients", "Metric")
    for organization in Organization.objects.all().iterator():
        create_builtin_metrics(organization, metric_model=Metric)


def remove_unused_builtin(apps, schema_editor):
    # Reversing removes built-in metrics nobody logged yet; logged ones stay with their data.
    Metric = apps.get_model("clients", "Metric")
    Metric.objects.filter(is_builtin=True, entries__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("clients", "0006_progress_tracking")]

    operations = [migrations.RunPython(create_builtin, remove_unused_builtin)]
