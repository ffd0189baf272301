from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutomationConfig(AppConfig):
    name = "automation"
    verbose_name = _("Automation and events")

    def ready(self):
        from mecto import nav
        from mecto.dashboard import register_card
        from mecto.events import register_event_type

        from . import dashboard, handlers, notifications, views

        register_event_type("task.created", _("A coach task was created"))
        register_card(dashboard.recent_activity_card)
        nav.register(
            nav.NavItem(
                "alerts",
                _("Alerts"),
                "automation:alerts",
                order=90,
                badge=views.request_unread_count,
                badge_label=_("unread"),
            )
        )
        register_event_type("task.completed", _("A coach task was marked done"))
        del handlers, notifications  # imported for their event handlers and email composer
