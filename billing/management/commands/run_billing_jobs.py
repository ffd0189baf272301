"""Run billing's scheduled jobs once (what beat runs every hour), for operators."""

from django.core.management.base import BaseCommand

from billing import services, webhooks


class Command(BaseCommand):
    help = "Renew memberships paid by hand, run dunning, remind expiring packages and retry Stripe events, once."

    def handle(self, *args, **options):
        self.stdout.write(f"Membership periods started: {services.renew_due_memberships()}")
        self.stdout.write(f"Dunning steps taken: {services.run_dunning()}")
        self.stdout.write(f"Expiring-package reminders: {services.remind_expiring_packages()}")
        self.stdout.write(f"Stripe events applied on retry: {webhooks.retry_pending()}")
