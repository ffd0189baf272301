from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def scheduled_training_days(client, start, end):
    """Dates with a scheduled workout between `start` and `end` (the client's calendar), or
    None when none is scheduled then (nutrition falls back to the usual training weekdays)."""
    from .models import ScheduledWorkout

    days = set(
        ScheduledWorkout.objects.for_org(client.organization)
        .filter(client=client, date__gte=start, date__lte=end)
        .values_list("date", flat=True)
    )
    return days or None


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        from . import onboarding

        onboarding.register()
        from . import client_figures

        client_figures.register()
        from celery.schedules import crontab

        from mecto import dashboard, nav, reference, schedule
        from mecto.celery import add_periodic_task

        from . import cards, catalogue

        catalogue.connect()
        reference.register_loader("load_exercises")
        schedule.register_training_days(scheduled_training_days)
        from . import selectors

        schedule.register_calendar_workouts(selectors.calendar_workouts)
        nav.register(
            nav.NavItem("programs", _("Programs"), "training:programs", capability="training.manage", order=20)
        )
        nav.register(
            nav.NavItem("exercises", _("Exercises"), "training:exercises", capability="training.manage", order=25)
        )
        nav.register(
            nav.NavItem(
                "portal_workouts",
                _("Workouts"),
                "training:portal_workouts",
                audience="client",
                order=10,
                feature="training",
            )
        )
        dashboard.register_card(cards.training_card)
        from mecto import portal_home

        from . import home

        portal_home.register(
            "training",
            feature="training",
            today=home.today,
            streaks=home.streaks,
            week=home.week,
            history=home.history,
            progress=home.progress,
        )
        add_periodic_task("training-inactive-clients", "training.flag_inactive_clients", crontab(hour=6, minute=0))
        from mecto import privacy as data_rights

        from . import privacy as training_privacy

        data_rights.register("training", exporter=training_privacy.export_client, eraser=training_privacy.erase_client)
