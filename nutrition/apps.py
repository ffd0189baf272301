from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NutritionConfig(AppConfig):
    name = "nutrition"
    verbose_name = _("Nutrition")

    def ready(self):
        # Each part of the domain (foods, targets, plans, logs, habits) registers its
        # navigation, dashboard cards and periodic tasks here.
        from mecto import nav

        nav.register(
            nav.NavItem("meal_plans", _("Meal plans"), "nutrition:plans", capability="nutrition.manage", order=30)
        )
        nav.register(
            nav.NavItem("portal_meal_plan", _("Meal plan"), "nutrition:portal_plan", audience="client", order=17)
        )
