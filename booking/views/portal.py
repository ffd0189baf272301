"""The client's bookings in the portal."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from mecto.permissions import ClientRequiredMixin

from .. import selectors
from ..tokens import manage_token
from ._common import _wall


class PortalBookingsView(ClientRequiredMixin, View):
    feature = "booking"

    def get(self, request):
        client = request.tenant.client
        now = timezone.now()
        bookings = list(selectors.client_bookings(client=client)[:100])
        tz = ZoneInfo(client.time_zone or client.organization.time_zone)
        for booking in bookings:
            booking.local_start = _wall(booking.session.start_at, tz)
            booking.manage_url = reverse("booking:manage", args=[booking.public_id, manage_token(booking)])
        upcoming = [b for b in bookings if b.session.end_at >= now and b.is_active]
        upcoming.sort(key=lambda b: b.session.start_at)
        past = [b for b in bookings if b not in upcoming]
        org = client.organization
        return render(
            request,
            "booking/portal_bookings.html",
            {
                "upcoming": upcoming,
                "past": past,
                "balance": selectors.credit_balance(client=client),
                "book_url": reverse("booking:public_org", args=[org.slug])
                if selectors.policy_for(org).public_booking_enabled
                else "",
            },
        )
