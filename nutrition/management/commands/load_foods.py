import time

from django.core.management.base import BaseCommand, CommandError

from nutrition.services.foods import FoodError, load_food_database


class Command(BaseCommand):
    help = (
        "Load the shared food database (USDA SR28, public domain; see nutrition/data/SOURCES.md) and its "
        "household portions. Safe to re-run: changed rows are updated, nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", help="Another CSV in the same format (default: nutrition/data/foods.csv).")
        parser.add_argument("--portions", help="Another portions CSV (default: nutrition/data/portions.csv).")

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            counts = load_food_database(path=options.get("path"), portions_path=options.get("portions"))
        except (FoodError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Foods: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged; "
                f"portions: {counts['portions_created']} created, {counts['portions_updated']} updated "
                f"({time.perf_counter() - started:.1f} s)."
            )
        )
