from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from . import onboarding

        onboarding.register()
        from . import client_figures

        client_figures.register()
        from celery.schedules import crontab

        from mecto import dashboard, nav, payments, support
        from mecto.celery import add_periodic_task

        from . import services  # noqa: F401  (registers the event types)
        from .stripe_services import booking_checkout
        from .support import invoices_section, memberships_section, payments_section
        from .views.coach import billing_dashboard_card
        from .views.portal import billing_portal_card

        nav.register(nav.NavItem("billing", _("Billing"), "billing:overview", capability="billing.view", order=60))
        nav.register(
            nav.NavItem(
                "portal_billing", _("Billing"), "billing:portal", audience="client", order=60, feature="billing"
            )
        )
        dashboard.register_card(billing_dashboard_card)
        dashboard.register_portal_card(billing_portal_card, feature="billing")
        payments.register_booking_checkout(booking_checkout)
        for section in (invoices_section, memberships_section, payments_section):
            support.register_client_section(section)
        from clients import page_sections

        from .views.requests import client_plan_requests_section

        page_sections.register(client_plan_requests_section, order=45)
        add_periodic_task("billing-invoice-reminders", "billing.send_invoice_reminders", crontab(minute=10))

        add_periodic_task("billing-renew-memberships", "billing.renew_memberships", crontab(minute=5))
        add_periodic_task("billing-dunning", "billing.run_dunning", crontab(minute=20))
        add_periodic_task(
            "billing-expiring-packages", "billing.remind_expiring_packages", crontab(minute=35, hour="*/6")
        )
        add_periodic_task("billing-retry-stripe-events", "billing.retry_stripe_events", 300.0)
        add_periodic_task("billing-access-withdrawals", "billing.apply_access_withdrawals", crontab(minute=50))
        from mecto import portal_access

        from .selectors_access import section_access
        from .views.access import access_portal_card

        portal_access.register_provider(section_access)
        dashboard.register_portal_card(access_portal_card)
        from mecto import privacy as data_rights

        from . import privacy as billing_privacy

        data_rights.register("billing", exporter=billing_privacy.export_client, eraser=billing_privacy.erase_client)
