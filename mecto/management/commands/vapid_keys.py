from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mecto.comms import push


class Command(BaseCommand):
    help = (
        "The VAPID key pair for web push: makes the development pair in VAPID_KEY_FILE once and shows it, "
        "or with --new prints a fresh pair for a production environment (written nowhere)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--new", action="store_true", help="Print a new pair as environment lines.")

    def handle(self, *args, new=False, **options):
        if new:
            public, private = push.generate_key_pair()
            self.stdout.write(f"VAPID_PUBLIC_KEY={public}\nVAPID_PRIVATE_KEY={private}")
            self.stderr.write("Keep the private key secret; a new pair later makes every device subscribe again.")
            return
        if settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY:
            self.stdout.write(f"Keys come from the environment. Public key: {settings.VAPID_PUBLIC_KEY}")
            return
        path = settings.VAPID_KEY_FILE
        if not path:
            raise CommandError("No VAPID keys are set and VAPID_KEY_FILE is empty: run with --new and set the pair.")
        public, _private = push.load_or_create_key_file(push.Path(path))
        self.stdout.write(f"Key pair in {path}. Public key: {public}")
