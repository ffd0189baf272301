"""Give every existing business the default intake form (new businesses get it at sign-up)."""

from django.db import migrations


def create_default_forms(apps, schema_editor):
    from clients.intake_defaults import create_default_form

    Organization = apps.get_model("accounts", "Organization")
    for organization in Organization.objects.all().iterator():
        create_default_form(
            organization,
            form_model=apps.get_model("clients", "IntakeForm"),
            section_model=apps.get_model("clients", "IntakeSection"),
            question_model=apps.get_model("clients", "IntakeQuestion"),
        )


def remove_default_forms(apps, schema_editor):
    # Reversing removes the default forms that have no submissions yet; answered ones stay.
    IntakeForm = apps.get_model("clients", "IntakeForm")
    IntakeForm.objects.filter(is_default=True, submissions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_intake_forms"), ("accounts", "0002_memberships_and_invitations")]

    operations = [migrations.RunPython(create_default_forms, remove_default_forms)]
