from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NutritionConfig(AppConfig):
    name = "nutrition"
    verbose_name = _("Nutrition")

    def ready(self):
        # Each part of the domain (foods, targets, plans, logs, habits) registers its
        # navigation, dashboard cards and periodic tasks here.
        self._ready_foods()
        self._ready_logs()
        self._ready_plans()
        self._ready_habits()
        from mecto import privacy as data_rights

        from . import privacy as nutrition_privacy

        data_rights.register(
            "nutrition", exporter=nutrition_privacy.export_client, eraser=nutrition_privacy.erase_client
        )

    def _ready_foods(self):
        from mecto import nav, reference

        reference.register_loader("load_foods")
        nav.register(nav.NavItem("foods", _("Foods"), "nutrition:foods", capability="nutrition.manage", order=26))

    def _ready_habits(self):
        from celery.schedules import crontab

        from mecto import nav, portal_home
        from mecto.celery import add_periodic_task

        from . import home

        nav.register(
            nav.NavItem("habits", _("Habits"), "nutrition:habit_library", capability="nutrition.manage", order=27)
        )
        nav.register(
            nav.NavItem(
                "portal_habits", _("Habits"), "nutrition:portal_habits", audience="client", order=12, feature="habits"
            )
        )
        portal_home.register(
            "habits", feature="habits", today=home.habits_today, streaks=home.habit_streaks, week=home.habits_week
        )
        # Hourly: each client's day (and its grace period) ends at their own local hour.
        add_periodic_task("nutrition-habit-streak-breaks", "nutrition.record_habit_streak_breaks", crontab(minute=20))

    def _ready_logs(self):
        from mecto import nav, portal_home

        from . import home

        portal_home.register("nutrition", feature="nutrition", today=home.nutrition_today)

        nav.register(
            nav.NavItem(
                "portal_nutrition", _("Nutrition"), "nutrition:portal", audience="client", order=15, feature="nutrition"
            )
        )

    def _ready_plans(self):
        from mecto import nav

        nav.register(
            nav.NavItem("meal_plans", _("Meal plans"), "nutrition:plans", capability="nutrition.manage", order=30)
        )
        nav.register(
            nav.NavItem(
                "portal_meal_plan",
                _("Meal plan"),
                "nutrition:portal_plan",
                audience="client",
                order=17,
                feature="nutrition",
            )
        )
