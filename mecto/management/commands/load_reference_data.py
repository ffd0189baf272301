from django.core.management import call_command
from django.core.management.base import BaseCommand

from mecto.reference import loaders


class Command(BaseCommand):
    help = "Load every app's openly licensed reference data (exercises, foods); safe to re-run."

    def handle(self, *args, **options):
        names = loaders()
        if not names:
            self.stdout.write("No reference data to load.")
        for name in names:
            self.stdout.write(f"→ {name}")
            call_command(name, stdout=self.stdout, stderr=self.stderr)
