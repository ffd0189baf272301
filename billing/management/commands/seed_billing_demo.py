"""Give the demo business (seed_demo) plans, memberships and a few months of payments."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization
from billing import services
from billing.models import Plan
from clients.models import Client

DEMO_SLUG = "northside-strength"


class Command(BaseCommand):
    help = (
        "Add plans, memberships, invoices and payments to the demo business 'Northside Strength' (run seed_demo first)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow outside DEBUG (never on a real deployment).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_billing_demo writes demo data; run it only with DEBUG on.")
        org = Organization.objects.filter(slug=DEMO_SLUG).first()
        if org is None:
            raise CommandError("Run `manage.py seed_demo` first.")
        if Plan.objects.for_org(org).exists():
            self.stdout.write("The demo business already has plans; nothing to do.")
            return
        clients = list(Client.objects.for_org(org).order_by("created_at"))
        if not clients:
            raise CommandError("The demo business has no clients; run `manage.py seed_demo` first.")
        with transaction.atomic():
            services.update_billing_settings(
                organization=org,
                invoice_prefix="NSL",
                invoice_footer="Pay by transfer to Northside Strength Ltd, sort code 12-34-56, account 12345678.",
            )
            package = services.create_plan(
                organization=org,
                name="10 PT sessions",
                kind="package",
                price_minor=50000,
                sessions=10,
                validity_days=90,
                description="Ten one-to-one sessions, valid for three months.",
            )
            services.create_plan(
                organization=org,
                name="Nutrition plan",
                kind="service",
                price_minor=8000,
                tax_rate="20",
                validity_days=30,
            )
            club = services.create_plan(
                organization=org,
                name="Monthly club",
                kind="membership",
                price_minor=12000,
                interval="month",
                sessions=4,
                trial_days=7,
                minimum_term_periods=3,
            )
            now = timezone.now()
            for months_ago, client in zip((5, 4, 3, 2, 1), clients * 5, strict=False):
                invoice = services.sell_plan(client=client, plan=package, send_email=False)
                services.record_payment(
                    invoice=invoice,
                    amount_minor=invoice.total_minor,
                    method="transfer",
                    send_receipt=False,
                    received_at=now - timedelta(days=30 * months_ago),
                    reference=f"BACS {months_ago}",
                )
            services.start_membership(client=clients[0], plan=club)
            services.sell_plan(client=clients[-1], plan=package, send_email=False)
        self.stdout.write(
            self.style.SUCCESS(f"Billing demo data added to “{org.name}”. See {settings.SITE_URL}/billing/")
        )
