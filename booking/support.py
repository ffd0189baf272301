"""Booking's section of the back office's support page (360): the client's bookings and
session credits."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from mecto.localization import format_money
from mecto.support import ROWS_PER_SECTION, Section, local_datetime

from .models import Booking
from .selectors import credit_balance


def bookings_section(client) -> Section:
    bookings = (
        Booking.objects.for_org(client.organization)
        .filter(client=client)
        .select_related("session__service", "session__coach")
        .order_by("-session__start_at", "-pk")[:ROWS_PER_SECTION]
    )
    return Section(
        title=_("Bookings"),
        facts=[(_("Session credits left"), credit_balance(client=client))],
        columns=[_("Session"), _("Service"), _("Coach"), _("Status"), _("Attendance"), _("Payment"), _("Paid")],
        rows=[
            [
                format_html(
                    '<a href="{}">{}</a>',
                    reverse("admin:booking_booking_change", args=[b.pk]),
                    local_datetime(b.session.start_at, client),
                ),
                b.session.service.name,
                b.session.coach or "-",
                b.get_status_display(),
                b.get_attendance_display(),
                b.get_payment_status_display(),
                format_money(b.amount_paid_minor, b.currency),
            ]
            for b in bookings
        ],
        empty=_("No bookings."),
        more_url=reverse("admin:booking_booking_changelist") + f"?client__id__exact={client.pk}",
        more_label=_("All bookings of this client"),
        order=30,
    )
