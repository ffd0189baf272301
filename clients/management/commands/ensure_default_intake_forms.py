"""Give every business that has none the default intake form (safe to run again)."""

from django.core.management.base import BaseCommand

from accounts.models import Organization
from clients.models import IntakeForm
from clients.services import ensure_default_intake_form


class Command(BaseCommand):
    help = "Create the default intake form for every organisation that has no default form."

    def handle(self, *args, **options):
        have = set(IntakeForm.objects.filter(is_default=True).values_list("organization_id", flat=True))
        created = 0
        for organization in Organization.objects.exclude(pk__in=have).iterator():
            ensure_default_intake_form(organization=organization)
            created += 1
        self.stdout.write(self.style.SUCCESS(f"Default intake forms created: {created}."))
