"""Create (or refresh) a demo business with known logins, for trying Mecto locally."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import services
from accounts.models import Membership, Organization, User
from mecto.demo import run_demo_seeders

DEMO_SLUG = "northside-strength"
PEOPLE = [
    ("owner@demo.mecto.test", "Olivia Owner", Membership.Role.OWNER),
    ("coach@demo.mecto.test", "Carlos Coach", Membership.Role.COACH),
    ("assistant@demo.mecto.test", "Ada Assistant", Membership.Role.ASSISTANT),
]


class Command(BaseCommand):
    help = "Create the demo business 'Northside Strength' with an owner, a coach, an assistant and clients."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow outside DEBUG (never on a real deployment).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with a known password; run it only with DEBUG on.")
        password = settings.DEMO_PASSWORD
        with transaction.atomic():
            org = Organization.objects.filter(slug=DEMO_SLUG).first()
            users = {}
            for email, name, _role in PEOPLE:
                user, _ = User.objects.get_or_create(
                    email=email, defaults={"full_name": name, "time_zone": "Europe/London"}
                )
                user.set_password(password)
                user.save()
                EmailAddress.objects.update_or_create(
                    user=user, email=email, defaults={"verified": True, "primary": True}
                )
                users[email] = user
            owner = users[PEOPLE[0][0]]
            if org is None:
                org = services.create_organization(
                    owner=owner,
                    name="Northside Strength",
                    time_zone="Europe/London",
                    currency="GBP",
                    unit_system="metric",
                )
                org.slug = DEMO_SLUG
                org.save(update_fields=["slug"])
            for email, _name, role in PEOPLE:
                Membership.objects.update_or_create(
                    organization=org, user=users[email], defaults={"role": role, "is_active": True}
                )
            admin, _ = User.objects.get_or_create(email="admin@demo.mecto.test", defaults={"full_name": "Site Admin"})
            admin.is_staff = admin.is_superuser = True
            admin.set_password(password)
            admin.save()
            EmailAddress.objects.update_or_create(
                user=admin, email=admin.email, defaults={"verified": True, "primary": True}
            )
            coach = users["coach@demo.mecto.test"]
            # Each app's demo.py adds its part (clients with a portal login first, then intake
            # answers, programs, a calendar, invoices).
            run_demo_seeders(organization=org, coach=coach, owner=owner, password=password)
        self.stdout.write(
            self.style.SUCCESS(f"Demo business “{org.name}” is ready. Log in at {settings.SITE_URL}/account/login/")
        )
        self.stdout.write(f"  owner      owner@demo.mecto.test      password: {password}")
        self.stdout.write(f"  coach      coach@demo.mecto.test      password: {password}")
        self.stdout.write(f"  assistant  assistant@demo.mecto.test  password: {password}")
        self.stdout.write(f"  client     client@demo.mecto.test     password: {password}")
        self.stdout.write(
            f"  admin      admin@demo.mecto.test      password: {password}  (back office /admin/, /ops/status)"
        )
        self.stdout.write(
            f"  calendar   {settings.SITE_URL}/booking/ (coach); booking page {settings.SITE_URL}/book/{DEMO_SLUG}/"
        )
