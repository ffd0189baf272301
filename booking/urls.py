from django.urls import path, register_converter

from .views import calendar, classes, coach, portal, public


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
    path("booking/", calendar.CalendarView.as_view(), name="calendar"),
    path("booking/sessions/<int:pk>/move/", calendar.CalendarMoveView.as_view(), name="calendar_move"),
    path("booking/new/", coach.ManualBookingView.as_view(), name="new"),
    path("booking/sessions/<int:pk>/", coach.SessionDetailView.as_view(), name="session"),
    path("booking/bookings/<uuid:public_id>/attendance/", coach.AttendanceView.as_view(), name="attendance"),
    path("booking/bookings/<uuid:public_id>/cancel/", coach.CoachCancelBookingView.as_view(), name="coach_cancel"),
    path("booking/services/", coach.ServiceListView.as_view(), name="services"),
    path("booking/services/new/", coach.ServiceEditView.as_view(), name="service_create"),
    path("booking/services/<int:pk>/", coach.ServiceEditView.as_view(), name="service_edit"),
    path("booking/availability/", coach.AvailabilityView.as_view(), name="availability"),
    path("booking/policy/", coach.PolicyView.as_view(), name="policy"),
    path("booking/credits/", coach.CreditsView.as_view(), name="credits"),
    path("booking/classes/", classes.ClassTimetableView.as_view(), name="classes"),
    path("booking/classes/new/", classes.GroupClassEditView.as_view(), name="class_create"),
    path("booking/classes/<int:pk>/", classes.GroupClassEditView.as_view(), name="class_edit"),
    path("booking/classes/sessions/<int:pk>/", classes.ClassSessionView.as_view(), name="class_session"),
    path("booking/feed/<str:token>.ics", public.coach_calendar_feed, name="feed"),
    # Clients in the portal
    path("portal/bookings/", portal.PortalBookingsView.as_view(), name="portal_bookings"),
    path("portal/classes/", classes.PortalClassesView.as_view(), name="portal_classes"),
    # Public booking pages and the links of booking emails
    path("book/manage/<uuid:public_id>/<str:token>/", public.manage_booking, name="manage"),
    path("book/manage/<uuid:public_id>/<str:token>/reschedule/", public.manage_reschedule, name="manage_reschedule"),
    path("book/manage/<uuid:public_id>/<str:token>/cancel/", public.manage_cancel, name="manage_cancel"),
    path("book/reminders/stop/<str:token>/", public.reminder_opt_out, name="reminder_opt_out"),
    path("book/classes/offer/<uuid:public_id>/<str:token>/", classes.class_offer, name="class_offer"),
    path("book/<slug:org_slug>/", public.public_org_page, name="public_org"),
    path("book/<slug:org_slug>/classes/", classes.public_classes, name="public_classes"),
    path(
        "book/<slug:org_slug>/classes/<uuid:class_id>/<str:occurrence>/",
        classes.public_class_book,
        name="public_class_book",
    ),
    path("book/<slug:org_slug>/with/<uslug:coach_slug>/", public.public_coach_page, name="public_coach"),
    path("book/<slug:org_slug>/<uslug:service_slug>/", public.public_service_days, name="public_days"),
    path("book/<slug:org_slug>/<uslug:service_slug>/book/", public.public_book, name="public_book"),
    path("book/<slug:org_slug>/<uslug:service_slug>/<str:day>/", public.public_service_slots, name="public_slots"),
]
