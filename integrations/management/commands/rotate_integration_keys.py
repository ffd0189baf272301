"""Re-encrypt every stored token with the newest key of FIELD_ENCRYPTION_KEYS."""

from django.core.management.base import BaseCommand
from django.db import transaction

from integrations.models import ConnectedAccount


class Command(BaseCommand):
    help = "Re-encrypt connected-account tokens with the first (newest) key in FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        count = 0
        for pk in ConnectedAccount.objects.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                account = ConnectedAccount.objects.select_for_update().get(pk=pk)
                account.save(
                    update_fields=["access_token", "refresh_token"]
                )  # read with any key, written with the newest
                count += 1
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted the tokens of {count} connected accounts."))
