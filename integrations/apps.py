from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self):
        from booking import ports
        from mecto import nav
        from mecto.celery import add_periodic_task

        from . import checks, handlers, selectors, signals, video  # noqa: F401  (checks, events, allauth signals)

        # Booking sits below integrations: it gets meeting links and busy times through its ports.
        ports.register_video_provider(provider_for=video.provider_for, ensure_meeting=video.ensure_meeting)
        ports.register_busy_times(selectors.busy_intervals)

        nav.register(
            nav.NavItem(
                "integrations", _("Integrations"), "integrations:index", capability="integrations.manage", order=880
            )
        )
        nav.register(
            nav.NavItem(
                "developers", _("Developers"), "integrations:developers", capability="members.manage", order=885
            )
        )
        add_periodic_task("calendar-sync", "integrations.sync_all_calendars", 600.0)
        add_periodic_task("webhook-sweep", "integrations.sweep_webhooks", 60.0)
        from . import services_webhooks  # noqa: F401  (registers webhook.* event types)
