from django.core.management.base import BaseCommand

from training.services import load_exercise_library


class Command(BaseCommand):
    help = (
        "Load the shared exercise library (free-exercise-db, The Unlicense; see training/data/SOURCES.md). "
        "Safe to re-run: changed rows are updated, nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", help="Another JSON file in the same format (default: the bundled data set).")

    def handle(self, *args, **options):
        counts = load_exercise_library(path=options.get("path"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Exercises: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged."
            )
        )
