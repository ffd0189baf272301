from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "marketing"
    verbose_name = _("Marketing")

    def ready(self):
        self._ready_campaigns()
        self._ready_privacy()
        self._ready_optin()

    def _ready_privacy(self):
        from mecto import privacy as data_rights

        from . import privacy

        data_rights.register("marketing", exporter=privacy.export_client, eraser=privacy.erase_client)

    def _ready_campaigns(self):
        from mecto import events, nav
        from mecto.celery import add_periodic_task
        from mecto.comms import tracking

        from . import engine

        nav.register(
            nav.NavItem("marketing", _("Marketing"), "marketing:campaigns", capability="marketing.manage", order=40)
        )
        events.register_event_type("campaign.sent", _("A campaign finished sending"))
        events.register_event_type("message.bounced", _("A marketing message bounced"))
        tracking.listen(engine.on_message_report)
        add_periodic_task("marketing-release-campaigns", "marketing.release_due_campaigns", 60.0)

    def _ready_optin(self):
        from mecto import optin
        from mecto import privacy as data_rights

        from . import privacy
        from .services import optin as optin_services

        optin.register_provider(optin_services.PROVIDER)
        # Erased with the rest of marketing's rows (privacy.erase_client).
        data_rights.register("marketing_optin", exporter=privacy.export_opt_ins)
