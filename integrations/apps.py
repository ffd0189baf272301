from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self):
        from mecto import nav
        from mecto.celery import add_periodic_task

        from . import checks, handlers, signals  # noqa: F401  (system checks, events, allauth signals)

        nav.register(
            nav.NavItem(
                "integrations", _("Integrations"), "integrations:index", capability="integrations.manage", order=880
            )
        )
        add_periodic_task("calendar-sync", "integrations.sync_all_calendars", 600.0)
