from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = _("Booking and calendar")

    def ready(self):
        from . import onboarding

        onboarding.register()
        from . import client_figures

        client_figures.register()
        from mecto import nav, portal_home, support
        from mecto.celery import add_periodic_task
        from mecto.dashboard import register_card

        from . import (
            handlers,  # noqa: F401  (event subscriptions)
            home,
        )
        from .dashboard import upcoming_sessions_card
        from .support import bookings_section

        nav.register(nav.NavItem("calendar", _("Calendar"), "booking:calendar", capability="booking.manage", order=20))
        nav.register(
            nav.NavItem(
                "my_bookings", _("Bookings"), "booking:portal_bookings", audience="client", order=20, feature="booking"
            )
        )
        nav.register(
            nav.NavItem(
                "my_classes", _("Classes"), "booking:portal_classes", audience="client", order=21, feature="booking"
            )
        )
        register_card(upcoming_sessions_card)
        support.register_client_section(bookings_section)
        portal_home.register("next_session", feature="booking", today=home.next_session, history=home.history)
        add_periodic_task("booking-reminders", "booking.send_reminders", 300.0)
        add_periodic_task("booking-release-unpaid", "booking.release_unpaid", 60.0)
        add_periodic_task("booking-generate-classes", "booking.generate_class_sessions", 6 * 3600.0)
        add_periodic_task("booking-expire-waitlist-offers", "booking.expire_waitlist_offers", 60.0)
        from mecto import privacy as data_rights

        from . import privacy as booking_privacy

        data_rights.register("booking", exporter=booking_privacy.export_client, eraser=booking_privacy.erase_client)
