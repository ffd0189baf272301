"""Give the demo business (seed_demo) plans, memberships and a few months of payments.

`seed_demo` already does this through `billing/demo.py`; this command runs that part alone."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Membership, Organization
from billing.demo import seed_demo_access, seed_demo_billing
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
        clients = {c.email: c for c in Client.objects.for_org(org).exclude(email="")}
        owner = (
            Membership.objects.filter(organization=org, role=Membership.Role.OWNER, is_active=True)
            .select_related("user")
            .first()
        )
        made = seed_demo_billing(organization=org, owner=owner.user if owner else None, clients=clients)
        made += seed_demo_access(organization=org, owner=owner.user if owner else None)
        if not made:
            self.stdout.write("The demo business already has its billing demo (or lacks its clients); nothing to do.")
            return
        self.stdout.write(
            self.style.SUCCESS(f"Billing demo data added to “{org.name}”. See {settings.SITE_URL}/billing/")
        )
