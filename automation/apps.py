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
        self._ready_tasks()
        del handlers, notifications  # imported for their event handlers and email composer
        self._ready_rules()
        self._ready_privacy()

    def _ready_tasks(self):
        """Coach tasks: the dashboard card, the nav item with its due count, the client page section."""
        from clients import page_sections
        from mecto import nav
        from mecto.dashboard import register_card

        from . import dashboard, views_tasks

        register_card(dashboard.tasks_card)
        page_sections.register(dashboard.client_tasks_section, order=50)
        nav.register(
            nav.NavItem(
                "tasks",
                _("Tasks"),
                "automation:tasks",
                order=88,
                badge=views_tasks.request_due_task_count,
                badge_label=_("due"),
            )
        )

    def _ready_privacy(self):
        from mecto import privacy as data_rights

        from . import privacy

        data_rights.register("automation", exporter=privacy.export_client, eraser=privacy.erase_client)

    def _ready_rules(self):
        """Automations: the engine's event subscription, the beat entries and the nav item."""
        from celery.schedules import crontab

        from mecto import nav
        from mecto.celery import add_periodic_task

        from . import engine, services_rules

        del engine, services_rules  # imported for the `*` subscription and the webhook event type
        add_periodic_task("automation-advance-runs", "automation.advance_runs", 60.0)
        add_periodic_task("automation-birthdays", "automation.scan_birthdays", crontab(minute=5))
        nav.register(
            nav.NavItem(
                "automations", _("Automations"), "automation:automations", capability="marketing.manage", order=85
            )
        )
