"""Push plans to each connected business's Stripe account as products and prices."""

from django.core.management.base import BaseCommand, CommandError

from billing import stripe_services
from billing.errors import BillingError
from billing.models import BillingSettings, Plan


class Command(BaseCommand):
    help = "Sync active plans to Stripe products and prices for every connected business (or one, by slug)."

    def add_arguments(self, parser):
        parser.add_argument("--organization", help="The business's address name (slug).")

    def handle(self, *args, organization=None, **options):
        rows = BillingSettings.objects.exclude(stripe_account_id="").select_related("organization")
        if organization:
            rows = rows.filter(organization__slug=organization)
            if not rows.exists():
                raise CommandError(f"No business '{organization}' with a connected Stripe account.")
        synced = failed = 0
        for row in rows:
            for plan in Plan.objects.for_org(row.organization).filter(is_active=True):
                try:
                    stripe_services.sync_plan(plan=plan)
                    synced += 1
                except BillingError as exc:
                    failed += 1
                    self.stderr.write(f"{row.organization.slug} / {plan.name}: {exc.message}")
        self.stdout.write(f"Plans synced: {synced}; failed: {failed}")
