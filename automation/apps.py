from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutomationConfig(AppConfig):
    name = "automation"
    verbose_name = _("Automation and events")

    def ready(self):
        from mecto.dashboard import register_card

        from . import dashboard, handlers, notifications

        register_card(dashboard.recent_activity_card)
        del handlers, notifications  # imported for their event handlers and email composer
