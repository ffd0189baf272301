"""Give every business what it starts with: the default intake form and the built-in metrics."""

from django.core.management.base import BaseCommand

from accounts.models import Organization
from clients.models import IntakeForm
from clients.services import ensure_builtin_metrics, ensure_default_intake_form


class Command(BaseCommand):
    help = "Create the default intake form and the built-in metrics for every organisation lacking them (idempotent)."

    def handle(self, *args, **options):
        have_form = set(IntakeForm.objects.filter(is_default=True).values_list("organization_id", flat=True))
        forms = metrics = 0
        for organization in Organization.objects.iterator():
            if organization.pk not in have_form:
                ensure_default_intake_form(organization=organization)
                forms += 1
            metrics += ensure_builtin_metrics(organization=organization)
        self.stdout.write(
            self.style.SUCCESS(f"Default intake forms created: {forms}; built-in metrics created: {metrics}.")
        )
