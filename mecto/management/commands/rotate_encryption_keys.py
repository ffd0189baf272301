"""Re-encrypt every stored secret with the newest key of FIELD_ENCRYPTION_KEYS."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from mecto import crypto


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field (connected-account tokens, link tokens shown again, "
        "two-factor secrets) with the first (newest) key in FIELD_ENCRYPTION_KEYS."
    )

    def handle(self, *args, **options):
        for model in apps.get_models():
            fields = [f.name for f in model._meta.concrete_fields if isinstance(f, crypto.EncryptedTextField)]
            if not fields:
                continue
            count = 0
            for pk in model._base_manager.values_list("pk", flat=True).iterator():
                with transaction.atomic():
                    # Read with any key, write with the newest; update() skips save()'s side effects.
                    row = model._base_manager.select_for_update().get(pk=pk)
                    model._base_manager.filter(pk=pk).update(**{name: getattr(row, name) for name in fields})
                    count += 1
            self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted.")
        for rotation in crypto.rotations():
            count = rotation()
            self.stdout.write(f"{rotation.__module__}.{rotation.__name__}: {count} rows re-encrypted.")
        self.stdout.write(self.style.SUCCESS("Every secret is now encrypted with the newest key."))
