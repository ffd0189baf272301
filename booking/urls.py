from django.urls import path, register_converter

from . import views


class UnicodeSlugConverter:
    """Like `<slug:>` but letters of any script: service and coach addresses are Unicode
    slugs (`силовая-тренировка`, `パーソナル`)."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnicodeSlugConverter, "uslug")

app_name = "booking"

# Mounted at the site root: every path carries its own prefix.
urlpatterns = [
    # Coaches
    path("booking/", views.CalendarView.as_view(), name="calendar"),
    path("booking/new/", views.ManualBookingView.as_view(), name="new"),
    path("booking/sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session"),
    path("booking/bookings/<uuid:public_id>/attendance/", views.AttendanceView.as_view(), name="attendance"),
    path("booking/bookings/<uuid:public_id>/cancel/", views.CoachCancelBookingView.as_view(), name="coach_cancel"),
    path("booking/services/", views.ServiceListView.as_view(), name="services"),
    path("booking/services/new/", views.ServiceEditView.as_view(), name="service_create"),
    path("booking/services/<int:pk>/", views.ServiceEditView.as_view(), name="service_edit"),
    path("booking/availability/", views.AvailabilityView.as_view(), name="availability"),
    path("booking/policy/", views.PolicyView.as_view(), name="policy"),
    path("booking/credits/", views.CreditsView.as_view(), name="credits"),
    path("booking/feed/<str:token>.ics", views.coach_calendar_feed, name="feed"),
    # Clients in the portal
    path("portal/bookings/", views.PortalBookingsView.as_view(), name="portal_bookings"),
    # Public booking pages and the links of booking emails
    path("book/manage/<uuid:public_id>/<str:token>/", views.manage_booking, name="manage"),
    path("book/manage/<uuid:public_id>/<str:token>/reschedule/", views.manage_reschedule, name="manage_reschedule"),
    path("book/manage/<uuid:public_id>/<str:token>/cancel/", views.manage_cancel, name="manage_cancel"),
    path("book/reminders/stop/<str:token>/", views.reminder_opt_out, name="reminder_opt_out"),
    path("book/<slug:org_slug>/", views.public_org_page, name="public_org"),
    path("book/<slug:org_slug>/with/<uslug:coach_slug>/", views.public_coach_page, name="public_coach"),
    path("book/<slug:org_slug>/<uslug:service_slug>/", views.public_service_days, name="public_days"),
    path("book/<slug:org_slug>/<uslug:service_slug>/book/", views.public_book, name="public_book"),
    path("book/<slug:org_slug>/<uslug:service_slug>/<str:day>/", views.public_service_slots, name="public_slots"),
]
